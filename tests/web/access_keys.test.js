// web/js/access_key_snippets.js under node: the boto3 and AWS CLI snippets the API access page
// shows for a new key (endpoint, credentials, quoting), and the dates of the key list.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  awsCliSnippet,
  botoSnippet,
  endpointUrl,
  formatWhen,
  shellQuote,
} from '../../web/js/access_key_snippets.js';

// The shapes domain::new_access_key_id and new_secret_access_key produce.
const KEY = {
  origin: 'http://192.168.1.20:8080',
  accessKeyId: 'AKFMABCDEFGHIJ234567',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKE1',
};

test('the endpoint is the origin followed by /aws', () => {
  assert.equal(endpointUrl('https://photos.example.org'), 'https://photos.example.org/aws');
  assert.equal(endpointUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/aws');
});

test('the boto3 snippet builds a Rekognition client on findme with the key', () => {
  const code = botoSnippet(KEY);
  assert.match(code, /^import boto3\n/);
  assert.ok(code.includes('boto3.client(\n    "rekognition",'), code);
  assert.ok(code.includes('endpoint_url="http://192.168.1.20:8080/aws",'), code);
  assert.ok(code.includes('region_name="any-region",'), code);
  assert.ok(code.includes(`aws_access_key_id="${KEY.accessKeyId}",`), code);
  assert.ok(code.includes(`aws_secret_access_key="${KEY.secretAccessKey}",`), code);
  assert.ok(code.includes('rekognition.list_collections()'), code);
});

test('the boto3 snippet escapes quotes and backslashes in its strings', () => {
  const code = botoSnippet({ ...KEY, secretAccessKey: 'a"b\\c' });
  assert.ok(code.includes('aws_secret_access_key="a\\"b\\\\c",'), code);
});

test('the AWS CLI snippet sets the credentials and a region, then calls findme', () => {
  const lines = awsCliSnippet(KEY).trimEnd().split('\n');
  assert.deepEqual(lines, [
    `export AWS_ACCESS_KEY_ID='${KEY.accessKeyId}'`,
    `export AWS_SECRET_ACCESS_KEY='${KEY.secretAccessKey}'`,
    'export AWS_DEFAULT_REGION=any-region',
    "aws rekognition list-collections --endpoint-url 'http://192.168.1.20:8080/aws'",
  ]);
});

test('shell quoting gives the shell the text exactly, quotes and all', () => {
  for (const text of ["it's", 'a+b/c', '$HOME `x` "y" \\ !', '', "''"]) {
    const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(text)}`], {
      encoding: 'utf8',
    });
    assert.equal(echoed, text);
  }
});

test('the AWS CLI snippet runs in a shell and exports what it says', () => {
  const script = awsCliSnippet(KEY).replace(/^aws .*$/m, '');
  const out = execFileSync(
    '/bin/sh',
    ['-c', `${script}printf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"`],
    { encoding: 'utf8', env: {} },
  );
  assert.equal(out, `${KEY.accessKeyId}\n${KEY.secretAccessKey}\n`);
});

test('a key date reads in the language; never used says so; garbage is shown as it is', () => {
  const when = '2026-05-14T09:30:00Z';
  const en = formatWhen(when, 'en', 'never');
  const fr = formatWhen(when, 'fr', 'jamais');
  assert.match(en, /2026/);
  assert.match(en, /May/);
  assert.match(fr, /mai/);
  assert.equal(formatWhen(null, 'en', 'never'), 'never');
  assert.equal(formatWhen(undefined, 'fr', 'jamais'), 'jamais');
  assert.equal(formatWhen('not a date', 'en', 'never'), 'not a date');
});

test('the API access page keeps no secret in storage', () => {
  for (const name of ['access_keys.js', 'access_key_snippets.js']) {
    const text = readFileSync(new URL(`../../web/js/${name}`, import.meta.url), 'utf8');
    assert.doesNotMatch(text, /localStorage|sessionStorage|indexedDB|document\.cookie/, name);
  }
});
