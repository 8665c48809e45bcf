#!/usr/bin/env python3
"""Makes stripe-openapi.json: the operations of Stripe's API that the shop and the local Stripe
use, with their parameters and the schemas of what they return, cut from Stripe's OpenAPI
spec (github.com/stripe/openapi, MIT, see LICENSE).

    python3 tools/stripe-openapi/extract.py path/to/spec3.yaml

The newest complete spec in that repository is openapi/spec3.yaml at commit 63a67463
(API 2023-08-16); later spec3 files are too large for the snapshot. Only what a check needs is
kept: parameter names, and each schema's JSON types (type, nullable, properties, items, anyOf,
$ref), without descriptions or enums; an expandable field's object is not followed.
"""
import json
import os
import sys

import yaml

OPERATIONS = [
    ('post', '/v1/products'), ('get', '/v1/products'), ('get', '/v1/products/{id}'), ('post', '/v1/products/{id}'), ('delete', '/v1/products/{id}'),
    ('post', '/v1/prices'), ('get', '/v1/prices'), ('get', '/v1/prices/{price}'), ('post', '/v1/prices/{price}'),
    ('post', '/v1/customers'), ('get', '/v1/customers'), ('get', '/v1/customers/{customer}'), ('post', '/v1/customers/{customer}'), ('delete', '/v1/customers/{customer}'),
    ('post', '/v1/subscriptions'), ('get', '/v1/subscriptions'), ('get', '/v1/subscriptions/{subscription_exposed_id}'),
    ('post', '/v1/subscriptions/{subscription_exposed_id}'), ('delete', '/v1/subscriptions/{subscription_exposed_id}'),
    ('post', '/v1/checkout/sessions'), ('get', '/v1/checkout/sessions'), ('get', '/v1/checkout/sessions/{session}'),
    ('get', '/v1/checkout/sessions/{session}/line_items'), ('post', '/v1/checkout/sessions/{session}/expire'),
    ('post', '/v1/billing_portal/sessions'),
    ('post', '/v1/payment_links'), ('get', '/v1/payment_links'), ('get', '/v1/payment_links/{payment_link}'), ('post', '/v1/payment_links/{payment_link}'),
    ('get', '/v1/payment_links/{payment_link}/line_items'),
    ('get', '/v1/payment_intents/{intent}'), ('get', '/v1/charges/{charge}'), ('get', '/v1/invoices/{invoice}'),
    ('post', '/v1/refunds'), ('get', '/v1/events'), ('get', '/v1/events/{id}'),
    ('post', '/v1/coupons'), ('get', '/v1/coupons/{coupon}'),
    ('post', '/v1/promotion_codes'), ('get', '/v1/promotion_codes'), ('get', '/v1/promotion_codes/{promotion_code}'),
    ('post', '/v1/webhook_endpoints'), ('get', '/v1/webhook_endpoints'), ('get', '/v1/webhook_endpoints/{webhook_endpoint}'),
    ('post', '/v1/webhook_endpoints/{webhook_endpoint}'), ('delete', '/v1/webhook_endpoints/{webhook_endpoint}'),
    ('post', '/v1/shipping_rates'), ('get', '/v1/shipping_rates'), ('get', '/v1/shipping_rates/{shipping_rate_token}'),
    ('post', '/v1/shipping_rates/{shipping_rate_token}'),
]

KEEP = ('type', 'nullable', 'properties', 'items', 'anyOf', '$ref')


def trim(schema, refs):
    if not isinstance(schema, dict):
        return schema
    if '$ref' in schema:
        refs.add(schema['$ref'].split('/')[-1])
        return {'$ref': schema['$ref']}
    out = {}
    for key in KEEP:
        if key not in schema:
            continue
        value = schema[key]
        if key == 'properties':
            out[key] = {name: trim(sub, refs) for name, sub in value.items()}
        elif key == 'items':
            out[key] = trim(value, refs)
        elif key == 'anyOf':
            # An expandable field (an id, or the object when expanded): the object is not
            # followed, so the extract holds what each operation returns and no more.
            expandable = any(sub.get('type') == 'string' for sub in value) and any('$ref' in sub for sub in value)
            out[key] = [{'type': 'object'} if expandable and '$ref' in sub else trim(sub, refs) for sub in value]
        else:
            out[key] = value
    return out


def main(spec_path):
    with open(spec_path) as f:
        spec = yaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
    operations = []
    refs = set()
    for method, path in OPERATIONS:
        op = spec['paths'][path][method]
        query = [p['name'] for p in op.get('parameters', []) if p['in'] == 'query']
        body = op.get('requestBody', {}).get('content', {}).get('application/x-www-form-urlencoded', {}).get('schema', {}).get('properties', {})
        response = op['responses']['200']['content']['application/json']['schema']
        operations.append({'method': method.upper(), 'path': path, 'params': sorted(set(query) | set(body)), 'response': trim(response, refs)})
    schemas = {}
    pending = list(refs)
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        found = set()
        schemas[name] = trim(spec['components']['schemas'][name], found)
        pending.extend(found - set(schemas))
    out = {
        'source': 'github.com/stripe/openapi openapi/spec3.yaml at 63a67463 (MIT, see LICENSE); made by extract.py',
        'apiVersion': spec['info']['version'],
        'operations': operations,
        'schemas': dict(sorted(schemas.items())),
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stripe-openapi.json')
    with open(target, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write('\n')
    print(f'{target}: {len(operations)} operations, {len(schemas)} schemas')


if __name__ == '__main__':
    main(sys.argv[1])
