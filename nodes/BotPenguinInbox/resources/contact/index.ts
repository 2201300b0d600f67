import { resource } from '../../shared/resource';
import * as deleteContacts from './delete';
import * as get from './get';
import * as getAll from './getAll';
import * as updateStatus from './updateStatus';
import * as upsert from './upsert';

export const contactResource = resource('contact', 'upsert', [
	upsert,
	deleteContacts,
	get,
	getAll,
	updateStatus,
]);
