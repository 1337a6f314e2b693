import { runMain } from '@oms/runtime';
import { definition } from './service';

runMain(definition);
