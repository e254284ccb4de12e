/**
 * Which addresses a user-chosen provider URL may reach, decided with ipaddr.js (ranges from
 * the IANA special-purpose registries) rather than hand-written masks:
 *  - `metadata`: cloud instance-metadata and other link-local addresses — refused always,
 *    also when the operator allows private URLs, in every spelling (dotted, one decimal
 *    number, IPv4-mapped, SIIT `::ffff:0:a.b.c.d`, NAT64, 6to4, Teredo);
 *  - `public`: global unicast, and not an IPv6 form that tunnels to an IPv4 address;
 *  - `private`: everything else (loopback, RFC 1918, CGNAT, unique-local, multicast,
 *    reserved, documentation, transition forms, unparseable).
 */
import ipaddr from 'ipaddr.js';

export type AddressClass = 'public' | 'private' | 'metadata';

type V4 = ipaddr.IPv4;
type V6 = ipaddr.IPv6;

const METADATA_V4: [V4, number][] = [
  ipaddr.IPv4.parseCIDR('169.254.0.0/16'), // link-local: AWS, GCP, Azure, OCI, DigitalOcean, ECS task metadata
  ipaddr.IPv4.parseCIDR('100.100.100.200/32'), // Alibaba Cloud
  ipaddr.IPv4.parseCIDR('168.63.129.16/32'), // Azure WireServer
];
const METADATA_V6: [V6, number][] = [
  ipaddr.IPv6.parseCIDR('fd00:ec2::254/128'), // AWS (IPv6)
  ipaddr.IPv6.parseCIDR('fe80::/10'), // link-local
];

/** The IPv4 address an IPv6 address carries or tunnels to, if any. */
function embeddedIPv4(v6: V6): V4 | null {
  const bytes = v6.toByteArray();
  const tail = (offset: number) => new ipaddr.IPv4(bytes.slice(offset, offset + 4));
  switch (v6.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
    case 'rfc6052': // 64:ff9b::a.b.c.d (NAT64)
      return tail(12);
    case '6to4': // 2002:aabb:ccdd::/48
      return tail(2);
    case 'teredo': // 2001:0::/32, client address inverted in the last 32 bits
      return new ipaddr.IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff));
    default:
      // ::a.b.c.d (deprecated IPv4-compatible)
      return bytes.slice(0, 12).every((b) => b === 0) && !bytes.slice(12).every((b) => b === 0) ? tail(12) : null;
  }
}

function isMetadataV4(v4: V4): boolean {
  return METADATA_V4.some((range) => v4.match(range));
}

/** Classifies one IP address (as DNS returns it or a URL spells it; brackets allowed). */
export function classifyAddress(text: string): AddressClass {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'private';
  const address = ipaddr.parse(bare);
  if (address.kind() === 'ipv4') {
    const v4 = address as V4;
    if (isMetadataV4(v4)) return 'metadata';
    return v4.range() === 'unicast' ? 'public' : 'private';
  }
  const v6 = address as V6;
  if (METADATA_V6.some((range) => v6.match(range))) return 'metadata';
  const inner = embeddedIPv4(v6);
  if (inner) return isMetadataV4(inner) ? 'metadata' : 'private';
  return v6.range() === 'unicast' ? 'public' : 'private';
}

/** True when an IP address is not a public internet address. */
export function isPrivateAddress(ip: string): boolean {
  return classifyAddress(ip) !== 'public';
}
