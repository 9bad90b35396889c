#!/usr/bin/python3
"""Calls every method of rpc_interop.thrift's Store through Apache Thrift
0.17's Python library (THeaderTransport / THeaderProtocol), for a Vireo
server to answer.

    PYTHONPATH=<thrift --gen py output> /usr/bin/python3 rpc_python_client.py
        --port N [--protocol binary|compact] [--zlib] [--multiplexed]

Checks every reply against what rpc_interop.thrift describes (the same
checks as rpc_apache_client). Prints each failed check to stderr; exits 0
only when all succeeded (1: a check failed, 2: bad arguments).

Only Debian's /usr/bin/python3 sees the python3-thrift package.
"""

import argparse
import os
import sys
import time

from thrift.Thrift import TApplicationException
from thrift.protocol.THeaderProtocol import THeaderProtocol
from thrift.protocol.TMultiplexedProtocol import TMultiplexedProtocol
from thrift.transport import TSocket
from thrift.transport.THeaderTransport import (THeaderClientType,
                                               THeaderSubprotocolID,
                                               THeaderTransformID)

from interop import Counter, Store
from interop.ttypes import Color, Item, NotFound, Point
from interop_extra import StoreExtra

# A oneway call's effect shows in a later call's reply; a server that runs
# the frames of one connection concurrently may answer that call first, so
# the client asks again for up to this long.
ONEWAY_WAIT_SECONDS = 10


class Checker:
    def __init__(self):
        self.checks = 0
        self.failures = 0

    def run(self, name, check):
        """Runs check(); an exception it raises fails the check."""
        self.checks += 1
        try:
            check()
        except Exception as e:  # pylint: disable=broad-except
            self.fail(name, "raised %s: %s" % (type(e).__name__, e))

    def expect(self, ok, name, detail):
        if not ok:
            self.fail(name, detail)

    def fail(self, name, detail):
        sys.stderr.write("FAILED %s: %s\n" % (name, detail))
        self.failures += 1


def full_item():
    return Item(
        id=-(1 << 40),
        name="interop \u00e9t\u00e9",
        tags=["a", "", "c with spaces"],
        counts={"x": 1, "y": -2, "": 0},
        score=2.25,
        blob=b"\x00\x01\xff\x80 bytes",
        path=[Point(x=1, y=-1), Point(x=1 << 30, y=0)],
        flags={-3, 0, 7},
        color=Color.BLUE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--protocol", choices=["binary", "compact"], default="binary")
    parser.add_argument("--zlib", action="store_true")
    parser.add_argument("--multiplexed", action="store_true")
    try:
        args = parser.parse_args()
    except SystemExit:
        return 2

    socket = TSocket.TSocket("127.0.0.1", args.port)
    socket.setTimeout(10000)
    sub = (THeaderSubprotocolID.COMPACT if args.protocol == "compact"
           else THeaderSubprotocolID.BINARY)
    protocol = THeaderProtocol(socket, [THeaderClientType.HEADERS], default_protocol=sub)
    if args.zlib:
        protocol.add_transform(THeaderTransformID.ZLIB)
    store_protocol = protocol
    counter_protocol = protocol
    if args.multiplexed:
        store_protocol = TMultiplexedProtocol(protocol, "Store")
        counter_protocol = TMultiplexedProtocol(protocol, "Counter")
    store = Store.Client(store_protocol)
    extra = StoreExtra.Client(store_protocol)
    counter = Counter.Client(counter_protocol)
    try:
        socket.open()
    except Exception as e:  # pylint: disable=broad-except
        sys.stderr.write("FAILED connect to 127.0.0.1:%d: %s\n" % (args.port, e))
        return 1

    c = Checker()

    def echo_full():
        sent = full_item()
        got = store.echo(sent)
        c.expect(got == sent, "echo full item", "got %r, want %r" % (got, sent))

    def echo_empty():
        # Every field at its zero value but the optional score, which stays
        # unset. (Python leaves unset fields out; C++ servers write every
        # field that is not optional, so a bare Item() comes back filled in.)
        sent = Item(id=0, name="", tags=[], counts={}, blob=b"", path=[], flags=set(),
                    color=Color.RED)
        got = store.echo(sent)
        c.expect(got == sent and got.score is None, "echo empty item",
                 "got %r, want %r" % (got, sent))

    def find():
        got = store.find(7)
        c.expect(got.id == 7 and got.name == "item-7" and not got.tags and got.score is None,
                 "find", "got %r" % (got,))

    def find_throws():
        try:
            got = store.find(-3)
            c.fail("find throws NotFound", "returned %r" % (got,))
        except NotFound as e:
            c.expect(e.reason == "no item -3" and e.code == 404, "find throws NotFound",
                     "got %r" % (e,))

    def ping():
        c.expect(store.ping() is None, "ping", "returned a value")

    def oneway():
        first = "apache-py-%d-1" % os.getpid()
        second = "apache-py-%d-2" % os.getpid()
        store.record(first)
        store.record(second)
        deadline = time.monotonic() + ONEWAY_WAIT_SECONDS
        while True:
            got = store.recorded()
            if first in got and second in got:
                c.expect(got.index(first) < got.index(second), "oneway record, then recorded",
                         "out of order: %r" % (got,))
                return
            if time.monotonic() > deadline:
                c.fail("oneway record, then recorded", "not recorded: %r" % (got,))
                return
            time.sleep(0.01)

    def mixed():
        got = store.mixed(True, -7, 300, 70000, 5000000000, 2.5, "h\u00e9llo", [1, -2, 3],
                          Color.GREEN, Point(x=-5, y=6))
        want = ("flag=1 b=-7 s=300 i=70000 l=5000000000 d=2.500 str=h\u00e9llo nums=1,-2,3 "
                "color=2 point=-5,6")
        c.expect(got == want, "mixed", "got %r, want %r" % (got, want))

    def unknown_method():
        try:
            got = extra.missing("x")
            c.fail("unknown method", "returned %r" % (got,))
        except TApplicationException as e:
            c.expect(e.type == TApplicationException.UNKNOWN_METHOD and "missing" in str(e.message),
                     "unknown method", "type %d: %s" % (e.type, e.message))

    def second_service():
        first = counter.add(5)
        second = counter.add(7)
        c.expect(second == first + 7 and first >= 5, "second service",
                 "add(5) = %d, then add(7) = %d" % (first, second))

    c.run("echo full item", echo_full)
    c.run("echo empty item", echo_empty)
    c.run("find", find)
    c.run("find throws NotFound", find_throws)
    c.run("ping", ping)
    c.run("oneway record, then recorded", oneway)
    c.run("mixed", mixed)
    c.run("unknown method", unknown_method)
    c.run("ping after unknown method", ping)
    if args.multiplexed:
        c.run("second service", second_service)
    socket.close()

    print("rpc_python_client: %d checks, %d failed (header %s%s%s, port %d)" %
          (c.checks, c.failures, args.protocol, " zlib" if args.zlib else "",
           " multiplexed" if args.multiplexed else "", args.port))
    return 0 if c.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
