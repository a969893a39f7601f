import { Command } from 'commander';
import { startSmsc } from '../channels/sms/smsc-simulator.js';

export function smscCommand(): Command {
  return new Command('smsc')
    .description('run a local SMPP 3.4 SMSC simulator (numbers ending 000 are undeliverable)')
    .option('--port <port>', 'port to listen on', '2775')
    .option('--host <address>', 'address to listen on (0.0.0.0: reachable from other hosts or containers)', '127.0.0.1')
    .option('--system-id <id>', 'accept only this system_id')
    .option('--password <pw>', 'accept only this password')
    .option('--tps <n>', 'throttle above this many submits per second')
    .action(async (options: { port: string; host: string; systemId?: string; password?: string; tps?: string }) => {
      const smsc = await startSmsc(Number(options.port), {
        host: options.host,
        ...(options.systemId ? { systemId: options.systemId } : {}),
        ...(options.password ? { password: options.password } : {}),
        ...(options.tps ? { tps: Number(options.tps) } : {}),
        onMessage: (sms) =>
          console.log(
            `${new Date().toISOString()} ${sms.from} → +${sms.to} (${sms.parts} part${sms.parts > 1 ? 's' : ''}): ${sms.text}`,
          ),
      });
      console.log(
        `SMSC simulator on smpp://${options.host}:${smsc.port} — set AVISO_SMS=smpp://user:pass@127.0.0.1:${smsc.port}?source=Aviso`,
      );
      const stop = () => void smsc.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
