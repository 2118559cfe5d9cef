import * as fs from 'fs';
import * as path from 'path';
import { integTemplates, SNAPSHOT_DIR } from './integ/snapshot';

// What integ-runner checks without an account: the integration test app still synthesizes to its committed snapshot.
test('the integration test of the default example matches its committed snapshot (npx projen integ:snapshot updates it)', () => {
  const fresh = integTemplates();
  const committed = Object.fromEntries(fs.readdirSync(SNAPSHOT_DIR).sort().map(f => [f, fs.readFileSync(path.join(SNAPSHOT_DIR, f), 'utf8')]));
  expect(Object.keys(fresh)).toEqual(Object.keys(committed));
  for (const f of Object.keys(fresh)) expect(JSON.parse(fresh[f])).toEqual(JSON.parse(committed[f]));
  const assertions = JSON.parse(committed[Object.keys(committed).find(f => f.includes('DeployAssert'))!]);
  const calls = Object.values<any>(assertions.Resources).filter(r => r.Type === 'Custom::DeployAssert@SdkCallEKSdescribeCluster' || r.Type === 'Custom::DeployAssert@SdkCallEKSdescribeNodegroup');
  expect(calls).toHaveLength(2);
});
