import type { LiveConnector } from '../../src/model.js';

/** A live connector as the API lists it: no capability, format or dependency unless given; the type defaults to the name. */
export function aLiveConnector(fields: Partial<LiveConnector> & { name: string }): LiveConnector {
  return { type: fields.name, source: false, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [], ...fields };
}
