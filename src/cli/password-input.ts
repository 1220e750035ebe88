/**
 * Reads a password for `user add` and `user passwd`: from a hidden prompt on a terminal
 * (asked twice), or from the first line of standard input when it is piped.
 */
import { createInterface } from 'node:readline';
import { InvalidArgumentError } from '../errors.js';

export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = await firstLine();
    if (line === undefined || line === '') {
      throw new InvalidArgumentError('Expected the password on the first line of standard input');
    }
    return line;
  }
  const first = await hiddenPrompt(`${prompt}: `);
  const second = await hiddenPrompt('Repeat it: ');
  if (first !== second) throw new InvalidArgumentError('The two passwords differ');
  return first;
}

async function firstLine(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return undefined;
}

function hiddenPrompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const lines = createInterface({ input: process.stdin, output, terminal: true });
    // Echo nothing of what is typed; readline calls _writeToOutput for each keystroke.
    const writable = lines as unknown as { _writeToOutput: (text: string) => void };
    output.write(question);
    writable._writeToOutput = () => undefined;
    lines.question('', (answer) => {
      lines.close();
      output.write('\n');
      resolve(answer);
    });
  });
}
