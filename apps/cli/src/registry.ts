import { archivers } from "@cairn/archiver";
import { PluginRegistry, pathSource } from "@cairn/core";
import dropbox from "@cairn/destination-dropbox/plugin";
import gcs from "@cairn/destination-gcs/plugin";
import local from "@cairn/destination-local";
import sftp from "@cairn/destination-sftp/plugin";
import command from "@cairn/source-command";
import mysql from "@cairn/source-mysql";
import postgres from "@cairn/source-postgres";
import sqlite from "@cairn/source-sqlite";

/** The plugins that ship with the command; anything else is loaded by package name from the config's folder. */
export function createRegistry(): PluginRegistry {
  return new PluginRegistry({
    destinations: [local, sftp, gcs, dropbox],
    sources: [pathSource, sqlite, postgres, mysql, command],
    archivers,
  });
}
