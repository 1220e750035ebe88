/** `seven-tick audit verify`: checks the hash chain of a data dir's audit log. */
import path from 'node:path';
import { KgError } from '../errors.js';
import { verifyAuditLog } from '../security/audit.js';

export interface AuditVerifyOptions {
  dataDir: string;
  /** Output stream for the report, normally process.stdout. */
  out: { write(text: string): unknown };
}

/** Exit status: 0 when the chain is intact, 1 when it is broken, 2 when it cannot be read. */
export async function auditVerifyCommand(options: AuditVerifyOptions): Promise<number> {
  const dir = path.join(options.dataDir, 'audit');
  try {
    const result = await verifyAuditLog(dir);
    if (result.ok) {
      options.out.write(
        `Audit log intact: ${result.entries} entries in ${result.files} file(s); ` +
          `last hash ${result.lastHash}\n`,
      );
      return 0;
    }
    options.out.write(
      `Audit log damaged at seq ${result.firstBadSeq}: ${result.reason}\n` +
        `${result.entries} entries before it verify; last good hash ${result.lastHash}\n`,
    );
    return 1;
  } catch (error) {
    const message = error instanceof KgError ? error.message : String(error);
    options.out.write(`Cannot verify the audit log in ${dir}: ${message}\n`);
    return 2;
  }
}
