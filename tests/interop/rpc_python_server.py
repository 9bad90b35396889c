#!/usr/bin/python3
"""Serves part of rpc_interop.thrift's Store (echo, find, ping) with Apache
Thrift 0.17's Python library, for Vireo's clients to call.

    PYTHONPATH=<thrift --gen py output> /usr/bin/python3 rpc_python_server.py
        --port N [--transport framed|buffered|header] [--protocol binary|compact]

The handlers answer as rpc_interop.thrift describes. The other methods of
Store are left out on purpose: a call of one reaches the generated
processor, which answers with a TApplicationException (INTERNAL_ERROR), as
it does (UNKNOWN_METHOD) for a method Store does not declare.

With --transport header the server reads THeader frames (and framed and
unframed requests) and answers each in kind, in the request's protocol.

Runs until killed; exits 2 on bad arguments, 1 when it cannot listen.
Only Debian's /usr/bin/python3 sees the python3-thrift package.
"""

import argparse
import sys

from thrift.protocol.TBinaryProtocol import TBinaryProtocolAcceleratedFactory
from thrift.protocol.TCompactProtocol import TCompactProtocolAcceleratedFactory
from thrift.protocol.THeaderProtocol import THeaderProtocolFactory
from thrift.server.TServer import TThreadedServer
from thrift.transport import TSocket, TTransport
from thrift.transport.THeaderTransport import THeaderClientType

from interop import Store
from interop.ttypes import Item, NotFound


class StoreHandler:
    def echo(self, item):
        return item

    def find(self, id):  # pylint: disable=redefined-builtin
        if id < 0:
            raise NotFound(reason="no item %d" % id, code=404)
        return Item(id=id, name="item-%d" % id)

    def ping(self):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transport", choices=["framed", "buffered", "header"], default="framed")
    parser.add_argument("--protocol", choices=["binary", "compact"], default="binary")
    try:
        args = parser.parse_args()
    except SystemExit:
        return 2

    if args.transport == "header":
        transports = TTransport.TBufferedTransportFactory()
        protocols = THeaderProtocolFactory(
            allowed_client_types=(THeaderClientType.HEADERS, THeaderClientType.FRAMED_BINARY,
                                  THeaderClientType.UNFRAMED_BINARY,
                                  THeaderClientType.FRAMED_COMPACT,
                                  THeaderClientType.UNFRAMED_COMPACT))
    else:
        if args.transport == "framed":
            transports = TTransport.TFramedTransportFactory()
        else:
            transports = TTransport.TBufferedTransportFactory()
        if args.protocol == "compact":
            protocols = TCompactProtocolAcceleratedFactory()
        else:
            protocols = TBinaryProtocolAcceleratedFactory()

    socket = TSocket.TServerSocket(host="127.0.0.1", port=args.port)
    server = TThreadedServer(Store.Processor(StoreHandler()), socket, transports, protocols,
                             daemon=True)
    try:
        server.serve()
    except OSError as e:
        sys.stderr.write("rpc_python_server: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
