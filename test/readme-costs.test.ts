import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerVpc, producer } from './fixtures';
import { billedUnitsOf, monthlyCostOf, routerUnits } from '../bench/prices';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';

/*
 * The cost figures the README states, recomputed from the price table the benchmark uses
 * (bench/prices.ts), so that a price change there fails here until the README follows.
 */

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf-8');

/** The README paragraph that starts with `**<title>.**` in the section headed `heading`. */
function paragraph(heading: string, title: string): string {
  const start = README.indexOf(`**${title}.**`, README.indexOf(`\n${heading}\n`));
  expect(start).toBeGreaterThanOrEqual(0);
  return README.slice(start, README.indexOf('\n- ', start));
}

const dollars = (usd: number) => `about $${Math.round(usd)}`;

test('the cost of ten services behind one producer or ten matches the price table', () => {
  const text = paragraph('### Several services behind one producer', 'Cost').replace(/\s+/g, ' ');
  const producerAndEndpoint = monthlyCostOf(routerUnits(1)) - monthlyCostOf(routerUnits(0));
  expect(text).toContain(`one NLB and one interface endpoint (${dollars(producerAndEndpoint)} a month in two zones) instead of ten (${dollars(10 * producerAndEndpoint)})`);
  expect(text).toContain(`falls from ${dollars(monthlyCostOf(routerUnits(10)))} to ${dollars(monthlyCostOf(routerUnits(1)))} a month`);
});

test('the benchmark counts the billed units of a template as the cost model does', () => {
  const example = new ThreeVpcExampleStack(new App(), 'Example');
  expect(billedUnitsOf([Template.fromStack(example).toJSON()])).toEqual(routerUnits(2));
});

test('an ALB without public IPv4 is billed for no public address, as the cost table says', () => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc: consumerVpc(stack, 'Consumer', 2, ec2.IpProtocol.DUAL_STACK),
    ipAddressType: elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4,
  });
  expect(billedUnitsOf([Template.fromStack(stack).toJSON()])).toEqual(routerUnits(0, 2, false));
  const saving = monthlyCostOf(routerUnits(0)) - monthlyCostOf(routerUnits(0, 2, false));
  expect(saving).toBeGreaterThan(0);
  expect(README).toContain(`no public IPv4 address, $${saving.toFixed(2)} less`);
});

test('a weighted route during a migration is billed for two producers and two endpoints, as the cost table says', () => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = consumerVpc(stack, 'Consumer', 2);
  const [old, next] = ['Old', 'New'].map((id) => {
    const web = producer(stack, `${id}Web`);
    return new PrivateLinkProducer(stack, id, { vpc: web.vpc, instances: web.instances });
  });
  new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }] }] });
  expect(billedUnitsOf([Template.fromStack(stack).toJSON()])).toEqual(routerUnits(2));
  const temporary = monthlyCostOf(routerUnits(2)) - monthlyCostOf(routerUnits(1));
  expect(README).toContain(`beside the old one's | as the row above | $${temporary.toFixed(2)} ($${(temporary * 24 / 730).toFixed(2)} a day) |`);
});
