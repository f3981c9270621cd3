import { App } from 'aws-cdk-lib';
import { ThreeVpcExampleStack } from './three-vpc-example';

// The README's main job: `npx cdk synth` prints this stack's template.
const app = new App();
new ThreeVpcExampleStack(app, 'AlbPrivateLinkRouterExample');
app.synth();
