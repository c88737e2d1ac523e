import { describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { DescriptorSetReflection, type ReflectionRequest } from './descriptor-set-reflection.js';
import { GRPC_SERVICE_NAMES, RISK_DESCRIPTOR_SET_PATH } from './grpc-options.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded descriptors are protobufjs plain objects */

const compiled = readFileSync(RISK_DESCRIPTOR_SET_PATH);
const compiledFiles: any[] = (descriptor.FileDescriptorSet.decode(compiled) as any).file;
const decode = (bytes: Uint8Array): any => descriptor.FileDescriptorProto.decode(bytes);
/** Served bytes are buf's own: the set is these bytes, each behind field 1's tag and length (short files: 2-3 bytes). */
function expectCompilerBytes(served: Buffer, name: string) {
  expect(decode(served).name).toBe(name);
  const at = compiled.indexOf(served);
  expect(at).toBeGreaterThan(0);
  expect(compiled[at - (served.length < 128 ? 2 : served.length < 16384 ? 3 : 4)]).toBe(0x0a);
}

const reflection = () => new DescriptorSetReflection(compiled, GRPC_SERVICE_NAMES);
const ask = (r: DescriptorSetReflection, request: ReflectionRequest, sent = new Set<string>()) =>
  r.handle({ host: 'localhost', ...request }, sent);
const symbol = (name: string): ReflectionRequest => ({ message_request: 'file_containing_symbol', file_containing_symbol: name });
const namesIn = (files: Buffer[] | undefined) => (files ?? []).map((b) => decode(b).name);

/** A small set with an import and an extension, encoded by protobufjs: what the compiled set lacks. */
function setWithImportsAndExtensions(): Uint8Array {
  return descriptor.FileDescriptorSet.encode({
    file: [
      {
        name: 'base/base.proto',
        package: 'base',
        syntax: 'proto2',
        messageType: [{ name: 'Base', extensionRange: [{ start: 100, end: 200 }] }],
      },
      {
        name: 'app/app.proto',
        package: 'app',
        dependency: ['base/base.proto'],
        syntax: 'proto2',
        messageType: [{ name: 'Thing', field: [{ name: 'base', number: 1, label: 1, type: 11, typeName: '.base.Base' }] }],
        extension: [{ name: 'tag', number: 150, label: 1, type: 9, extendee: '.base.Base' }],
        service: [{ name: 'AppService', method: [{ name: 'Get', inputType: '.app.Thing', outputType: '.app.Thing' }] }],
      },
    ],
  }).finish();
}

describe('DescriptorSetReflection over the compiled descriptor set', () => {
  it('list_services names the served services and both reflection services', () => {
    expect(ask(reflection(), { message_request: 'list_services', list_services: '' })).toEqual({
      valid_host: 'localhost',
      original_request: { host: 'localhost', message_request: 'list_services', list_services: '' },
      list_services_response: {
        service: [
          { name: 'grpc.health.v1.Health' },
          { name: 'grpc.reflection.v1.ServerReflection' },
          { name: 'grpc.reflection.v1alpha.ServerReflection' },
          { name: 'riskwire.v1.RiskService' },
        ],
      },
    });
  });

  it("answers file_containing_symbol with the compiler's bytes, map entries named as Go expects", () => {
    const answer = ask(reflection(), symbol('riskwire.v1.Decision'));
    expect(answer.file_descriptor_response!.file_descriptor_proto).toHaveLength(1);
    expectCompilerBytes(answer.file_descriptor_response!.file_descriptor_proto[0]!, 'riskwire/v1/risk.proto');
    const decision = decode(answer.file_descriptor_response!.file_descriptor_proto[0]!).messageType.find((m: any) => m.name === 'Decision');
    expect(decision.nestedType).toEqual([
      expect.objectContaining({ name: 'SignalsEntry', options: expect.objectContaining({ mapEntry: true }) }),
    ]);
    const health = decode(
      ask(reflection(), symbol('grpc.health.v1.HealthListResponse')).file_descriptor_response!.file_descriptor_proto[0]!,
    );
    expect(health.name).toBe('grpc/health/v1/health.proto');
    expect(health.messageType.find((m: any) => m.name === 'HealthListResponse').nestedType[0].name).toBe('StatusesEntry');
  });

  it.each([
    ['riskwire.v1.RiskService', 'riskwire/v1/risk.proto'],
    ['riskwire.v1.RiskService.Assess', 'riskwire/v1/risk.proto'],
    ['.riskwire.v1.AssessRequest', 'riskwire/v1/risk.proto'],
    ['riskwire.v1.AssessRequest.event', 'riskwire/v1/risk.proto'],
    ['riskwire.v1.Signal.latest_change', 'riskwire/v1/risk.proto'],
    ['riskwire.v1.Decision.SignalsEntry', 'riskwire/v1/risk.proto'],
    ['riskwire.v1.OUTCOME_DENY', 'riskwire/v1/risk.proto'],
    ['grpc.health.v1.HealthCheckResponse.SERVING', 'grpc/health/v1/health.proto'],
    ['grpc.reflection.v1.ServerReflection', 'grpc/reflection/v1/reflection.proto'],
    ['grpc.reflection.v1alpha.ServerReflectionRequest', 'grpc/reflection/v1alpha/reflection.proto'],
  ])('finds the file declaring %s', (name, file) => {
    expect(namesIn(ask(reflection(), symbol(name)).file_descriptor_response?.file_descriptor_proto)).toEqual([file]);
  });

  it('file_by_filename answers with the file; unknown files and symbols are NOT_FOUND, the stream goes on', () => {
    const r = reflection();
    const health = ask(r, { message_request: 'file_by_filename', file_by_filename: 'grpc/health/v1/health.proto' })
      .file_descriptor_response!.file_descriptor_proto;
    expect(health).toHaveLength(1);
    expectCompilerBytes(health[0]!, 'grpc/health/v1/health.proto');
    expect(ask(r, { message_request: 'file_by_filename', file_by_filename: 'health/v1/health.proto' }).error_response).toEqual({
      error_code: status.NOT_FOUND,
      error_message: 'unknown file health/v1/health.proto',
    });
    expect(ask(r, symbol('riskwire.v1.Nope')).error_response).toEqual({
      error_code: status.NOT_FOUND,
      error_message: 'unknown symbol riskwire.v1.Nope',
    });
    expect(ask(r, symbol('riskwire.v1')).error_response?.error_code).toBe(status.NOT_FOUND);
    expect(ask(r, {}).error_response?.error_code).toBe(status.INVALID_ARGUMENT);
  });

  it('extensions: none in the compiled set, so NOT_FOUND; a known message has no extension numbers', () => {
    const r = reflection();
    const byExtension = ask(r, {
      message_request: 'file_containing_extension',
      file_containing_extension: { containing_type: 'riskwire.v1.Decision', extension_number: 100 },
    });
    expect(byExtension.error_response?.error_code).toBe(status.NOT_FOUND);
    expect(
      ask(r, { message_request: 'all_extension_numbers_of_type', all_extension_numbers_of_type: 'riskwire.v1.Decision' })
        .all_extension_numbers_response,
    ).toEqual({
      base_type_name: 'riskwire.v1.Decision',
      extension_number: [],
    });
    expect(
      ask(r, { message_request: 'all_extension_numbers_of_type', all_extension_numbers_of_type: 'riskwire.v1.Outcome' }).error_response
        ?.error_code,
    ).toBe(status.NOT_FOUND);
  });

  it("AssessResponse and GetDecisionResponse have Decision's fields, number for number, so all three are one message on the wire", () => {
    const risk = compiledFiles.find((f) => f.name === 'riskwire/v1/risk.proto');
    const shape = (name: string) => {
      const message = risk.messageType.find((m: any) => m.name === name);
      const fields = message.field.map((f: any) => ({
        name: f.name,
        number: f.number,
        label: f.label,
        type: f.type,
        typeName: f.typeName,
        proto3Optional: f.proto3Optional,
      }));
      // a map field's entry type is nested in each message: compare it without the message's own name
      return JSON.stringify({ fields, nested: message.nestedType }).replaceAll(`.riskwire.v1.${name}.`, '.riskwire.v1.<message>.');
    };
    expect(shape('Decision')).toContain('SignalsEntry');
    expect(shape('AssessResponse')).toBe(shape('Decision'));
    expect(shape('GetDecisionResponse')).toBe(shape('Decision'));
  });
});

describe('DescriptorSetReflection with imports and extensions', () => {
  const r = () => new DescriptorSetReflection(setWithImportsAndExtensions(), ['app.AppService']);

  it('sends a file with its imports, each import once per stream, the asked file always', () => {
    const sent = new Set<string>();
    expect(namesIn(ask(r(), symbol('app.Thing'), sent).file_descriptor_response?.file_descriptor_proto)).toEqual([
      'app/app.proto',
      'base/base.proto',
    ]);
    const reflection = r();
    const stream = new Set<string>();
    expect(namesIn(ask(reflection, symbol('app.AppService.Get'), stream).file_descriptor_response?.file_descriptor_proto)).toEqual([
      'app/app.proto',
      'base/base.proto',
    ]);
    expect(namesIn(ask(reflection, symbol('app.Thing'), stream).file_descriptor_response?.file_descriptor_proto)).toEqual([
      'app/app.proto',
    ]);
    expect(namesIn(ask(reflection, symbol('base.Base'), stream).file_descriptor_response?.file_descriptor_proto)).toEqual([
      'base/base.proto',
    ]);
  });

  it('finds extensions by extendee and number', () => {
    const ext = ask(r(), {
      message_request: 'file_containing_extension',
      file_containing_extension: { containing_type: 'base.Base', extension_number: 150 },
    });
    expect(namesIn(ext.file_descriptor_response?.file_descriptor_proto)).toEqual(['app/app.proto', 'base/base.proto']);
    expect(
      ask(r(), { message_request: 'all_extension_numbers_of_type', all_extension_numbers_of_type: '.base.Base' })
        .all_extension_numbers_response,
    ).toEqual({
      base_type_name: 'base.Base',
      extension_number: [150],
    });
    expect(namesIn(ask(r(), symbol('app.tag')).file_descriptor_response?.file_descriptor_proto)).toEqual([
      'app/app.proto',
      'base/base.proto',
    ]);
  });

  it('refuses a set that lacks an import or a service it should list', () => {
    const set = setWithImportsAndExtensions();
    const withoutBase = descriptor.FileDescriptorSet.encode({
      file: (descriptor.FileDescriptorSet.decode(set) as any).file.slice(1),
    }).finish();
    expect(() => new DescriptorSetReflection(withoutBase, [])).toThrow('app/app.proto imports base/base.proto');
    expect(() => new DescriptorSetReflection(set, ['app.OtherService'])).toThrow('does not describe app.OtherService');
  });
});
