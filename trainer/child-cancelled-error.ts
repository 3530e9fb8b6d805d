// The error trainChild throws when its caller asks it to stop between batches. Not a failure of the
// child (that is a 'failed' result): the work was abandoned and may be retried or dropped.
import { NasError } from '../errors';

export class ChildCancelledError extends NasError {}
