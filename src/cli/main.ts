#!/usr/bin/env node
import { startService } from '../main';

/** The `ma2pinpoint` command. `serve` (the default) runs the service. */
function runCli(argv: string[]): void {
  const [command = 'serve'] = argv;
  if (command === 'serve') {
    startService(process.env);
    return;
  }
  process.stderr.write(`Unknown command '${command}'. Usage: ma2pinpoint serve\n`);
  process.exit(2);
}

runCli(process.argv.slice(2));
