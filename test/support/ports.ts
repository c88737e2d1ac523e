export { freePort } from '../../tools/lib/free-port.js';
