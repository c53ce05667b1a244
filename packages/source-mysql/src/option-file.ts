/**
 * A MySQL option file holding only the password. Inside double quotes the client tools read
 * `\\`, `\"` and `\n` as escapes, so any password survives the trip.
 */
export function passwordOptionFile(password: string): string {
  const quoted = password.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `[client]\npassword="${quoted}"\n`;
}
