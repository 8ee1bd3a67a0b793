/** Why the demo could not start, in one line a newcomer can act on. */
export class DemoStartError extends Error {
  override readonly name: string = 'DemoStartError';
}

export class PortInUseError extends DemoStartError {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use; pass --port or stop the other process`);
  }
}

export class DataFolderInUseError extends DemoStartError {
  override readonly name = 'DataFolderInUseError';
  constructor(readonly dataDir: string) {
    super(
      `the data folder ${dataDir} is in use by another demo; stop it or pass --data with another folder`,
    );
  }
}

/** A file the demo keeps in its data folder cannot be read back. */
export class DemoDataError extends DemoStartError {
  override readonly name = 'DemoDataError';
}
