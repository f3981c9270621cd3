import { readFileSync } from 'fs';
import { join } from 'path';
import { BilledUnits, monthlyCostOf } from '../bench/prices';

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

/** The billed units of a router (one internet-facing ALB in two zones) and `producers` producers, each reached by one endpoint in two zones. */
const routerWith = (producers: number): BilledUnits => ({
  applicationLoadBalancer: 1,
  publicIpv4Address: 2,
  networkLoadBalancer: producers,
  interfaceEndpointZone: 2 * producers,
});

const dollars = (usd: number) => `about $${Math.round(usd)}`;

test('the cost of ten services behind one producer or ten matches the price table', () => {
  const text = paragraph('### Several services behind one producer', 'Cost').replace(/\s+/g, ' ');
  const producerAndEndpoint = monthlyCostOf(routerWith(1)) - monthlyCostOf(routerWith(0));
  expect(text).toContain(`one NLB and one interface endpoint (${dollars(producerAndEndpoint)} a month in two zones) instead of ten (${dollars(10 * producerAndEndpoint)})`);
  expect(text).toContain(`falls from ${dollars(monthlyCostOf(routerWith(10)))} to ${dollars(monthlyCostOf(routerWith(1)))} a month`);
});
