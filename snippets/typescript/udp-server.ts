// UDP echo server (dgram): one datagram in, one datagram out.
import { createSocket } from 'node:dgram';

const PREFIX = 'echo: ';
const MAX_PAYLOAD = 65507; // largest IPv4 UDP payload (65535 - 20 IP - 8 UDP): a longer reply fails with EMSGSIZE

async function main(): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(${2:0}, '${1:127.0.0.1}', resolve);
  });
  const { address, port } = socket.address();
  console.log(`listening on \${address}:\${port}`);
  const maxDatagrams: number = ${3:1}; // 0 = serve forever
  let served = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data, peer) => {
      // Datagrams can come from anyone: validate before use, here that it is UTF-8 text.
      const text = data.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(data)) {
        console.error(`ignoring non-UTF-8 datagram from \${peer.address}:\${peer.port}`);
        return;
      }
      if (PREFIX.length + data.length > MAX_PAYLOAD) {
        console.error(`ignoring \${data.length}-byte datagram from \${peer.address}:\${peer.port}: its echo would not fit in one`);
        return;
      }
      $0
      socket.send(PREFIX + text, peer.port, peer.address, (err) => {
        if (err) {
          // One peer's failed reply (unreachable, EMSGSIZE...) must not stop the server.
          console.error(`reply to \${peer.address}:\${peer.port} failed: \${err.message}`);
          return;
        }
        console.log(`echoed \${data.length} bytes to \${peer.address}:\${peer.port}: \${text}`);
        if (maxDatagrams !== 0 && ++served >= maxDatagrams) resolve();
      });
    });
  });
  socket.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
