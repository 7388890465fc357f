import type { Response } from 'express';
import type { MockEndpointFault } from './types';

/**
 * Answers `res` the way `fault` says and returns `true`, or returns `false`
 * for `none` (the caller answers normally). `hang` never answers: the
 * request stays open until the client gives up or the mock closes.
 */
export function answerWithFault(
  res: Response,
  fault: MockEndpointFault,
): boolean {
  switch (fault) {
    case 'unavailable':
      res
        .status(503)
        .type('html')
        .send('<html><body><h1>503 Service Unavailable</h1></body></html>');
      return true;
    case 'notJson':
      res
        .status(200)
        .type('html')
        .send('<html><body><h1>Palette maintenance</h1></body></html>');
      return true;
    case 'hang':
      return true;
    default:
      return false;
  }
}
