import { readFile } from 'node:fs/promises';
import { readRoutesParameter } from '../aws/routesParameter';
import type { Config } from '../config';
import { parseRoutes, RoutesInvalidError } from '../routing/parseRoutes';
import { defaultRoutingTable, type RoutingTable } from '../routing/routes';

/**
 * The routing table in force: the file `ROUTES_FILE` names, the SSM parameter `ROUTES_PARAMETER`
 * names, or the built-in defaults. A bad file stops the start with one line naming rule and field.
 */
export async function loadRoutingTable(
  config: Config,
  readParameter: (name: string) => Promise<string> = readRoutesParameter,
): Promise<RoutingTable> {
  const channel = config.slack.channelId;
  switch (config.routes.kind) {
    case 'defaults':
      return defaultRoutingTable(channel);
    case 'file': {
      let text: string;
      try {
        text = await readFile(config.routes.path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new RoutesInvalidError(
          `routes (${config.routes.path}): cannot read the file (${code})`,
        );
      }
      return parseRoutes(text, config.routes.path, channel);
    }
    case 'parameter':
      return parseRoutes(
        await readParameter(config.routes.name),
        `SSM parameter ${config.routes.name}`,
        channel,
      );
  }
}
