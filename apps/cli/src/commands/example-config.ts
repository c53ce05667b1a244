/** What `cairn init` writes: a working config for the common case, with the options explained. */
export const EXAMPLE_CONFIG = `# cairn configuration. Reference: docs/configuration.md
# Check it with \`cairn config check\`; run it with \`cairn backup\`.
# For completion in your editor: \`cairn config schema > cairn.schema.json\`, then uncomment:
# yaml-language-server: $schema=./cairn.schema.json

# Where backups go. Relative paths are relative to this file.
destinations:
  disk:
    type: local
    path: ./backups
  # Another disk, a server over SFTP, a bucket, Dropbox (install the plugin package first):
  # nas:
  #   type: sftp
  #   host: nas.lan
  #   username: backup
  #   privateKey: "\${file:~/.ssh/id_ed25519}"   # secrets come from files or the environment
  #   hostKey: "SHA256:..."                       # ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub
  #   path: /volume1/backups

# What to back up, and how many backups to keep.
jobs:
  documents:
    source:
      type: path
      path: ./data                  # a file or a folder
      exclude: ["*.tmp", ".cache"]
    archive:
      format: zip                   # zip, tar, tar.gz or tar.zst (fastest)
      level: 6                      # 0 stores, 9 squeezes hardest (tar.zst: 1 to 19)
    destinations: [disk]            # streamed to all of them at once
    retention:                      # applied after each successful backup; see docs/retention.md
      keepDaily: 7
      keepWeekly: 4
      maxCount: 30
    # timeZone: Europe/Berlin       # what "daily" means; the machine's zone by default
    # schedule: "0 3 * * *"         # for \`cairn run\`: every night at 03:00
    # drill: { schedule: "0 5 * * 0", sample: 100 }  # restore 100 files every Sunday and check them; docs/drills.md
`;
