import { createReadStream, readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Command, Option } from 'commander';
import { SUPPORTED_CRS } from '../modules/addresses/address.crs.js';
import { DEFAULT_CONNECT_WITHIN_METRES, DEFAULT_TOLERANCE_METRES } from '../modules/network/network-import.js';
import { NETWORK_SERVICES, type PipeService } from '../modules/network/network.schemas.js';
import { CliError, withContext } from './runtime.js';

interface ImportOptions {
  tenant: string;
  service: PipeService;
  crs: string;
  tolerance: string;
  connectWithin: string;
  connections?: string;
}

function metres(value: string, flag: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1000)) throw new CliError(`${flag} must be a number of metres (0–1000), not ${value}`);
  return n;
}

/** The explicit connections file: CSV with the columns `address` (the address's source id) and `pipe`. */
function readConnections(file: string): Map<string, string> {
  const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<
    Record<string, string>
  >;
  if (rows.length > 0 && (!('address' in rows[0]!) || !('pipe' in rows[0]!)))
    throw new CliError(`${file}: expected the columns address,pipe`);
  return new Map(rows.filter((r) => r.address && r.pipe).map((r) => [r.address!, r.pipe!]));
}

export function networkCommand(): Command {
  const command = new Command('network').description('pipe networks (water, district heating, sewer)');
  command
    .command('import')
    .description(
      'import (or re-import, replacing it) a pipe network; all-or-nothing: any bad feature and nothing is stored',
    )
    .argument(
      '<file>',
      'GeoJSON FeatureCollection: LineString/MultiLineString pipes (id, diameter, material, pressureZone), Point valves (id, state open|closed, operable true|false), Point sources (kind "source")',
    )
    .requiredOption('--tenant <slug>', 'tenant slug')
    .addOption(
      new Option('--service <service>', 'the network of this service').choices(NETWORK_SERVICES).makeOptionMandatory(),
    )
    .addOption(
      new Option('--crs <code>', `coordinate system of the file (${SUPPORTED_CRS.join(', ')})`).default('EPSG:4326'),
    )
    .option(
      '--tolerance <metres>',
      'pipe ends this close join; a valve this close to a pipe is on it',
      String(DEFAULT_TOLERANCE_METRES),
    )
    .option(
      '--connect-within <metres>',
      'an address without an explicit connection is connected to the nearest pipe this close (inferred)',
      String(DEFAULT_CONNECT_WITHIN_METRES),
    )
    .option(
      '--connections <file>',
      'explicit connections from the customer system: CSV with the columns address (source id), pipe (pipe id)',
    )
    .action(async (file: string, options: ImportOptions) => {
      if (statSync(file, { throwIfNoEntry: false }) === undefined) throw new CliError(`no such file: ${file}`);
      const explicit = options.connections ? readConnections(options.connections) : new Map<string, string>();
      await withContext(async (context) => {
        const tenant = await context.tenants.findTenant(options.tenant);
        if (!tenant) throw new CliError(`no tenant ${options.tenant}`);
        const started = Date.now();
        const result = await context.networks.importNetwork(tenant, options.service, createReadStream(file), {
          crs: options.crs,
          toleranceMetres: metres(options.tolerance, '--tolerance'),
          connectWithinMetres: metres(options.connectWithin, '--connect-within'),
          explicit,
          now: context.clock.now(),
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (!result.stored) {
          for (const r of result.rejections)
            console.log(`  feature ${r.feature}${r.id === null ? '' : ` (${r.id})`}: ${r.reason}`);
          throw new CliError(
            `${result.rejections.length} bad feature(s): nothing imported, the ${options.service} network stays as it was`,
          );
        }
        const { summary: s } = result;
        const { topology: t, connections: c } = s;
        console.log(`${tenant.slug} ${options.service} network, revision ${result.revision}, in ${seconds} s`);
        console.log(
          `  pipes ${s.pipes} (${s.edges} pieces between ${s.nodes} nodes), valves ${s.valves}, sources ${s.sources}`,
        );
        console.log(
          `  joined ends ${t.joinedEnds} (within ${s.toleranceMetres} m), connected pieces ${t.components}, disconnected ${t.disconnected.length}`,
        );
        for (const piece of t.disconnected.slice(0, 20))
          console.log(
            `    ${piece.pipes} pipe piece(s) near ${piece.at[1].toFixed(6)}, ${piece.at[0].toFixed(6)} (lat, lon)`,
          );
        console.log(
          `  connections: explicit ${c.explicit}, inferred ${c.inferred} (within ${s.connectWithinMetres} m), addresses unconnected ${c.unconnected}`,
        );
        for (const u of result.unknownPipes.slice(0, 20))
          console.log(`    address ${u.address} names pipe ${u.pipe}, which the network does not have`);
      });
    });
  return command;
}
