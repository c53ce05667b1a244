import {
  type CairnConfig,
  closeQuietly,
  type Logger,
  type OpenDestination,
  openDestination,
} from "@cairn/core";

/** Opens each destination once per command, however many jobs use it, and closes them all at the end. */
export class DestinationPool {
  readonly #open = new Map<string, Promise<OpenDestination>>();

  constructor(
    private readonly config: CairnConfig,
    private readonly logger: Logger,
  ) {}

  get(name: string): Promise<OpenDestination> {
    let opening = this.#open.get(name);
    if (!opening) {
      opening = openDestination(this.config, name, this.logger);
      this.#open.set(name, opening);
    }
    return opening;
  }

  async closeAll(): Promise<void> {
    for (const opening of this.#open.values()) {
      const open = await opening.catch(() => undefined);
      if (open) await closeQuietly(open, this.logger);
    }
    this.#open.clear();
  }
}

/** Runs `use` with a pool that is closed afterwards, whatever happens. */
export async function withPool<T>(
  config: CairnConfig,
  logger: Logger,
  use: (pool: DestinationPool) => Promise<T>,
) {
  const pool = new DestinationPool(config, logger);
  try {
    return await use(pool);
  } finally {
    await pool.closeAll();
  }
}
