import { CodedError, ErrorCode } from '../../shared/errors';

/** Why the demo could not start, in one line a newcomer can act on. */
export class DemoStartError extends CodedError {
  override readonly name: string = 'DemoStartError';
  readonly code: ErrorCode = ErrorCode.DemoStartFailed;
}

export class PortInUseError extends DemoStartError {
  override readonly name = 'PortInUseError';
  override readonly code = ErrorCode.PortUnavailable;
  constructor(readonly port: number) {
    super(`port ${port} is already in use; pass --port or stop the other process`);
  }
}

export class DataFolderInUseError extends DemoStartError {
  override readonly name = 'DataFolderInUseError';
  override readonly code = ErrorCode.StoreLocked;
  constructor(readonly dataDir: string) {
    super(
      `the data folder ${dataDir} is in use by another demo; stop it or pass --data with another folder`,
    );
  }
}

/** A file the demo keeps in its data folder cannot be read back. */
export class DemoDataError extends DemoStartError {
  override readonly name = 'DemoDataError';
  override readonly code = ErrorCode.DemoDataInvalid;
}
