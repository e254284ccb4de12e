/**
 * A real DNS server on loopback (UDP, a free port) whose answers a test scripts per name:
 * each A query for a name takes the next answer from its queue (the last one repeats), so
 * a test can make a name resolve publicly once and inward the next time, as a rebinding
 * attacker's server does. `lookup` resolves through it with Node's own resolver
 * (dns.promises.Resolver with setServers — the same c-ares path as any resolve4 call).
 *
 *   const dns = await startDnsServer();
 *   dns.answer('rebind.test', ['93.184.215.14', '127.0.0.1']);
 *   await dns.lookup('rebind.test');   // [{ address: '93.184.215.14', family: 4 }]
 *   await dns.stop();
 */
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import dnsPacket from 'dns-packet';

export interface DnsServer {
  nameServer: string;
  /** Queue of IPv4 answers for a name; each A query takes the next, the last repeats. */
  answer(name: string, addresses: string[]): void;
  /** Every question asked, as `<type> <name>`. */
  queries: string[];
  /** A resolver that asks only this server: the deps.lookup shape the API uses. */
  lookup(host: string): Promise<{ address: string; family: number }[]>;
  stop(): Promise<void>;
}

export async function startDnsServer(): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  const queues = new Map<string, string[]>();
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${question.name}`);
    const queue = queues.get(question.name.toLowerCase());
    const answers: dnsPacket.Answer[] = [];
    if (question.type === 'A' && queue?.length) {
      const address = queue.length > 1 ? queue.shift()! : queue[0]!;
      answers.push({ type: 'A', class: 'IN', name: question.name, ttl: 0, data: address });
    }
    const response = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (queue ? 0 : 3), // 3: NXDOMAIN
      questions: [question],
      answers,
    });
    socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const nameServer = `127.0.0.1:${socket.address().port}`;
  const resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([nameServer]);
  return {
    nameServer,
    queries,
    answer(name, addresses) {
      queues.set(name.toLowerCase(), [...addresses]);
    },
    async lookup(host) {
      const v4 = await resolver.resolve4(host);
      return v4.map((address) => ({ address, family: 4 }));
    },
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
