#!/usr/bin/env node
// Runs the compiled CLI (npm run build). During development `npx tsx src/main.ts` does the same from source.
import process from 'node:process';
import { main } from '../dist/src/main.js';

await main(process.argv);
