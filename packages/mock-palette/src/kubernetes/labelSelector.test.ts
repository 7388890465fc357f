import { parseLabelSelector } from './labelSelector';

describe('parseLabelSelector', () => {
  const labels = { app: 'demo-service', 'backstage.io/kubernetes-id': 'demo' };

  it.each([
    [undefined, true],
    ['', true],
    ['backstage.io/kubernetes-id=demo', true],
    ['backstage.io/kubernetes-id==demo', true],
    ['backstage.io/kubernetes-id=other', false],
    ['app=demo-service,backstage.io/kubernetes-id=demo', true],
    ['app=demo-service,backstage.io/kubernetes-id=other', false],
    ['app!=demo-service', false],
    ['tier!=db', true],
    ['app', true],
    ['tier', false],
    ['!tier', true],
    ['!app', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)!(labels)).toBe(expected);
  });

  it.each(['app in (a,b)', 'app notin (a)', '=x', 'app=a b', 'a b'])(
    'cannot parse %s',
    selector => {
      expect(parseLabelSelector(selector)).toBeUndefined();
    },
  );
});
