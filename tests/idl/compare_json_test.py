#!/usr/bin/python3
"""Tests of compare_json.py's comparison: a comparator that missed
differences would let every conformance test pass."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_json  # noqa: E402


def diffs(ours, theirs):
    out = []
    compare_json.compare("", ours, theirs, out)
    return out


def doc(**over):
    d = {
        "name": "f",
        "namespaces": {"cpp": "a"},
        "includes": ["inc"],
        "enums": [{"name": "E", "members": [{"name": "A", "value": 1}]}],
        "typedefs": [],
        "structs": [{
            "name": "S", "isException": False, "isUnion": False,
            "fields": [
                {"key": 1, "name": "a", "typeId": "i32", "required": "req_out", "default": 1},
                {"key": 5, "name": "b", "typeId": "double", "required": "optional",
                 "default": 0.1},
            ],
        }],
        "constants": [{"name": "C", "typeId": "list", "value": [1, 2]}],
        "services": [],
    }
    d.update(over)
    return d


class CompareTest(unittest.TestCase):
    def test_equal_documents_agree(self):
        self.assertEqual(diffs(doc(), doc()), [])

    def test_reports_path_of_changed_type(self):
        theirs = doc()
        theirs["structs"][0]["fields"][1]["typeId"] = "i64"
        self.assertEqual(diffs(doc(), theirs),
                         ['structs[S].fields[key=5].typeId: ours "double" theirs "i64"'])

    def test_int_and_float_differ(self):
        theirs = doc()
        theirs["structs"][0]["fields"][0]["default"] = 1.0
        self.assertEqual(len(diffs(doc(), theirs)), 1)

    def test_bool_and_int_differ(self):
        ours = doc()
        ours["structs"][0]["isUnion"] = 0
        self.assertEqual(len(diffs(ours, doc())), 1)

    def test_floats_compare_exactly(self):
        theirs = doc()
        theirs["structs"][0]["fields"][1]["default"] = 0.1000000000000001
        self.assertEqual(len(diffs(doc(), theirs)), 1)

    def test_missing_and_extra_keys(self):
        ours = doc()
        del ours["structs"][0]["fields"][0]["default"]
        ours["structs"][0]["doc"] = "x"
        self.assertEqual(sorted(diffs(ours, doc())), [
            'structs[S].doc: only in ours "x"',
            "structs[S].fields[key=1].default: missing in ours, theirs 1",
        ])

    def test_named_items_matched_by_name_and_order_checked(self):
        theirs = doc()
        theirs["enums"].append({"name": "F", "members": []})
        self.assertEqual(diffs(doc(), theirs), ["enums[F]: missing in ours"])
        ours = doc()
        ours["structs"][0]["fields"].reverse()
        self.assertEqual(diffs(ours, doc()),
                         ["structs[S].fields: order: ours [5, 1] theirs [1, 5]"])

    def test_values_compared_in_order(self):
        ours = doc()
        ours["constants"][0]["value"] = [2, 1]
        self.assertEqual(len(diffs(ours, doc())), 2)
        ours["constants"][0]["value"] = [1]
        self.assertEqual(len(diffs(ours, doc())), 1)

    def test_includes_compared_in_order(self):
        self.assertEqual(len(diffs(doc(includes=["a", "b"]), doc(includes=["b", "a"]))), 2)


if __name__ == "__main__":
    unittest.main()
