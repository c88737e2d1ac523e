import { status, type Server, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha ServerReflection) answering with the bytes of a
 * FileDescriptorSet compiled by a real protobuf compiler (proto/riskwire-descriptor-set.binpb, see
 * scripts/proto/build-descriptor-set.sh), sent as they are.
 *
 * Why not @grpc/reflection: it describes a proto-loader package definition, whose descriptors protobufjs
 * re-synthesises, and Go's protobuf (grpcurl, grpc-go clients) rejects them ("invalid map: incorrect
 * implicit map entry name"). Decoding here only indexes which file declares which symbol; what goes on
 * the wire is the compiler's output, byte for byte.
 */

/** One file of the set: its compiled bytes and the files it imports. */
interface DescriptorFile {
  readonly name: string;
  readonly bytes: Buffer;
  readonly dependencies: readonly string[];
}

// What protobufjs's descriptor types decode to (camelCase), reduced to what the index reads.
interface FieldProto {
  name: string;
  number: number;
  extendee?: string;
}
interface MessageProto {
  name: string;
  field?: FieldProto[];
  extension?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  oneofDecl?: { name: string }[];
}
interface EnumProto {
  name: string;
  value?: { name: string }[];
}
interface ServiceProto {
  name: string;
  method?: { name: string }[];
}
interface FileProto {
  name: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageProto[];
  enumType?: EnumProto[];
  service?: ServiceProto[];
  extension?: FieldProto[];
}

/** ServerReflectionRequest as proto-loader decodes it from the set (field names as in the proto; oneofs: the set member's name). */
export interface ReflectionRequest {
  host?: string;
  message_request?:
    'file_by_filename' | 'file_containing_symbol' | 'file_containing_extension' | 'all_extension_numbers_of_type' | 'list_services';
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type?: string; extension_number?: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

export interface ReflectionResponse {
  valid_host: string;
  original_request: ReflectionRequest;
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  all_extension_numbers_response?: { base_type_name: string; extension_number: number[] };
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_code: number; error_message: string };
}

export const REFLECTION_SERVICE_NAMES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'] as const;

class ReflectionError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

/** The FileDescriptorProto bytes of a FileDescriptorSet (field 1, repeated), without decoding them. */
function splitFileDescriptorSet(set: Uint8Array): Buffer[] {
  const reader = protobuf.Reader.create(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) files.push(Buffer.from(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  return files;
}

export class DescriptorSetReflection {
  /** Sorted full names of the services list_services reports. */
  readonly services: readonly string[];
  private readonly files = new Map<string, DescriptorFile>();
  private readonly fileBySymbol = new Map<string, DescriptorFile>();
  /** extendee full name -> extension number -> file declaring the extension */
  private readonly extensions = new Map<string, Map<number, DescriptorFile>>();
  private readonly messageTypes = new Set<string>();

  /**
   * @param descriptorSet a serialized google.protobuf.FileDescriptorSet holding every file the services
   *   need, imports included (`buf build` includes them)
   * @param services the services the server runs, listed by list_services (REFLECTION_SERVICE_NAMES among
   *   them when addToServer is used); each must be in the set
   */
  constructor(
    private readonly descriptorSet: Uint8Array,
    services: readonly string[],
  ) {
    for (const bytes of splitFileDescriptorSet(descriptorSet)) {
      const proto = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileProto;
      const file: DescriptorFile = { name: proto.name, bytes, dependencies: proto.dependency ?? [] };
      this.files.set(file.name, file);
      this.index(proto, file);
    }
    for (const file of this.files.values()) {
      const missing = file.dependencies.filter((d) => !this.files.has(d));
      if (missing.length > 0) throw new Error(`descriptor set: ${file.name} imports ${missing.join(', ')}, which the set does not hold`);
    }
    this.services = [...new Set(services)].sort();
    const unknown = this.services.filter((s) => !this.fileBySymbol.has(s));
    if (unknown.length > 0) throw new Error(`descriptor set does not describe ${unknown.join(', ')}`);
  }

  /** Answers one request of a stream. `sent` names the files already sent on it (each is sent once, as grpc-go does). */
  handle(request: ReflectionRequest, sent: Set<string>): ReflectionResponse {
    const response: ReflectionResponse = { valid_host: request.host ?? '', original_request: request };
    try {
      switch (request.message_request) {
        case 'list_services':
          return { ...response, list_services_response: { service: this.services.map((name) => ({ name })) } };
        case 'file_by_filename':
          return { ...response, file_descriptor_response: this.withDependencies(this.fileNamed(request.file_by_filename ?? ''), sent) };
        case 'file_containing_symbol':
          return {
            ...response,
            file_descriptor_response: this.withDependencies(this.fileDeclaring(request.file_containing_symbol ?? ''), sent),
          };
        case 'file_containing_extension': {
          const { containing_type = '', extension_number = 0 } = request.file_containing_extension ?? {};
          const file = this.extensions.get(stripDot(containing_type))?.get(extension_number);
          if (!file) throw new ReflectionError(status.NOT_FOUND, `no extension ${extension_number} of ${containing_type}`);
          return { ...response, file_descriptor_response: this.withDependencies(file, sent) };
        }
        case 'all_extension_numbers_of_type': {
          const type = stripDot(request.all_extension_numbers_of_type ?? '');
          if (!this.messageTypes.has(type)) throw new ReflectionError(status.NOT_FOUND, `unknown message type ${type}`);
          const numbers = [...(this.extensions.get(type)?.keys() ?? [])].sort((a, b) => a - b);
          return { ...response, all_extension_numbers_response: { base_type_name: type, extension_number: numbers } };
        }
        case undefined:
        default:
          throw new ReflectionError(status.INVALID_ARGUMENT, 'no message_request set');
      }
    } catch (err) {
      // An error answers this request; the stream, and the process, go on.
      const { code, message } = err instanceof ReflectionError ? err : { code: status.INTERNAL, message: 'internal error' };
      return { ...response, error_response: { error_code: code, error_message: message } };
    }
  }

  /**
   * Registers grpc.reflection.v1 and v1alpha ServerReflection on the server. Their service definitions
   * come from the same set, so the server needs no other proto file for them (proto-loader keeps a
   * descriptor's field names as they are: snake_case, as keepCase says).
   */
  addToServer(server: Pick<Server, 'addService'>): void {
    const definitions = loadFileDescriptorSetFromBuffer(Buffer.from(this.descriptorSet), {
      keepCase: true,
      longs: String,
      defaults: false,
      oneofs: true,
    });
    for (const name of REFLECTION_SERVICE_NAMES) {
      const definition = definitions[name];
      if (!definition) throw new Error(`descriptor set does not describe ${name}`);
      server.addService(definition as ServiceDefinition, {
        ServerReflectionInfo: (stream: ServerDuplexStream<ReflectionRequest, ReflectionResponse>) => {
          const sent = new Set<string>();
          stream.on('data', (request: ReflectionRequest) => stream.write(this.handle(request, sent)));
          stream.on('end', () => stream.end());
          // a client that went away: the call is over, nothing to clean up (and no unhandled 'error' event)
          stream.on('error', () => undefined);
        },
      });
    }
  }

  private fileNamed(name: string): DescriptorFile {
    const file = this.files.get(name);
    if (!file) throw new ReflectionError(status.NOT_FOUND, `unknown file ${name}`);
    return file;
  }

  private fileDeclaring(symbol: string): DescriptorFile {
    const file = this.fileBySymbol.get(stripDot(symbol));
    if (!file) throw new ReflectionError(status.NOT_FOUND, `unknown symbol ${symbol}`);
    return file;
  }

  /** The file, then the files it imports, transitively, that this stream has not been sent yet. */
  private withDependencies(file: DescriptorFile, sent: Set<string>): { file_descriptor_proto: Buffer[] } {
    const out: Buffer[] = [file.bytes];
    sent.add(file.name);
    const queue = [...file.dependencies];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (sent.has(name)) continue;
      sent.add(name);
      const dependency = this.fileNamed(name);
      out.push(dependency.bytes);
      queue.push(...dependency.dependencies);
    }
    return { file_descriptor_proto: out };
  }

  /** Every declaration's full name, scoped as protoc scopes them (an enum value is a sibling of its enum). */
  private index(proto: FileProto, file: DescriptorFile): void {
    const add = (name: string) => this.fileBySymbol.set(name, file);
    const qualify = (scope: string, name: string) => (scope ? `${scope}.${name}` : name);
    const addExtension = (scope: string, ext: FieldProto) => {
      add(qualify(scope, ext.name));
      const extendee = stripDot(ext.extendee ?? '');
      const byNumber = this.extensions.get(extendee) ?? new Map<number, DescriptorFile>();
      byNumber.set(ext.number, file);
      this.extensions.set(extendee, byNumber);
    };
    const addEnum = (scope: string, e: EnumProto) => {
      add(qualify(scope, e.name));
      for (const v of e.value ?? []) add(qualify(scope, v.name));
    };
    const addMessage = (scope: string, m: MessageProto) => {
      const name = qualify(scope, m.name);
      add(name);
      this.messageTypes.add(name);
      for (const f of m.field ?? []) add(`${name}.${f.name}`);
      for (const o of m.oneofDecl ?? []) add(`${name}.${o.name}`);
      for (const x of m.extension ?? []) addExtension(name, x);
      for (const n of m.nestedType ?? []) addMessage(name, n);
      for (const e of m.enumType ?? []) addEnum(name, e);
    };
    const pkg = proto.package ?? '';
    for (const m of proto.messageType ?? []) addMessage(pkg, m);
    for (const e of proto.enumType ?? []) addEnum(pkg, e);
    for (const x of proto.extension ?? []) addExtension(pkg, x);
    for (const s of proto.service ?? []) {
      const name = qualify(pkg, s.name);
      add(name);
      for (const m of s.method ?? []) add(`${name}.${m.name}`);
    }
  }
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}
