import { resource } from '../../shared/resource';
import * as getAll from './getAll';

export const segmentResource = resource('segment', 'getAll', [getAll]);
