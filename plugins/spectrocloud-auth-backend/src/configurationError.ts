/**
 * A configuration problem of the SpectroCloud provider. Its message names configuration keys,
 * never values, so it is passed on to users as is.
 */
export class SpectroCloudConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpectroCloudConfigurationError';
  }
}
