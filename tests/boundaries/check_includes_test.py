#!/usr/bin/env python3
"""check_includes.py on small made-up trees: a clean tree passes, and each kind of boundary
violation is reported with its file and line."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_includes.py")

CLEAN = {
    "gpt/CMakeLists.txt": "target_include_directories(gpt PUBLIC include)\n",
    "gpt/include/gpt/pas.h": "#pragma once\n",
    "platform/CMakeLists.txt":
        "target_include_directories(platform PUBLIC include PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})\n",
    "platform/include/platform/pe.h": '#pragma once\n#include "gpt/pas.h"\n',
    "platform/mem/interconnect.h": "#pragma once\n",
    "platform/src/pe.cpp": '#include "platform/pe.h"\n#include "mem/interconnect.h"\n',
    "rmm/include/rmm/rmm.h": '#pragma once\n#include "platform/pe.h"\n',
    "rmm/core/context.h": '#pragma once\n#include "rmm/rmm.h"\n',
    "rmm/rmi/data.cpp": '#include "core/context.h"\n#include <vector>\n',
    "host/include/host/kvm.h": '#pragma once\n#include "platform/pe.h"\n',
    "tools/include/rmesim/runner.h": '#pragma once\n#include "host/kvm.h"\n#include "rmm/rmm.h"\n',
    # White-box: tests/<c>/ may use c's private headers; generated headers are not checked.
    "tests/rmm/context_test.cpp": '#include "core/context.h"\n#include "guest_images/hello.h"\n',
    "tests/platform/pe_test.cpp": '#include "mem/interconnect.h"\n#include "rmesim/runner.h"\n',
}


class CheckIncludesTest(unittest.TestCase):
    def run_on(self, extra):
        with tempfile.TemporaryDirectory() as root:
            for rel, text in {**CLEAN, **extra}.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
            r = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
            return r.returncode, r.stdout

    def assert_violation(self, extra, where, why):
        rc, out = self.run_on(extra)
        self.assertEqual(rc, 1, out)
        self.assertIn(where, out)
        self.assertIn(why, out)

    def test_clean_tree_passes(self):
        rc, out = self.run_on({})
        self.assertEqual((rc, out), (0, ""))

    def test_private_header_of_another_component_through_an_include_path(self):
        self.assert_violation({"host/kvm/vcpu.cpp": '#include "host/kvm.h"\n#include "mem/interconnect.h"\n'},
                              "host/kvm/vcpu.cpp:2", "platform/mem/interconnect.h, private to platform/")

    def test_private_header_through_a_relative_path(self):
        self.assert_violation({"host/kvm/realm.cpp": '#include "../../rmm/core/context.h"\n'},
                              "host/kvm/realm.cpp:1", "rmm/core/context.h, private to rmm/")

    def test_private_header_through_the_repository_root(self):
        self.assert_violation({"tools/rmesim/main.cpp": '#include "platform/mem/interconnect.h"\n'},
                              "tools/rmesim/main.cpp:1", "private to platform/")

    def test_a_test_may_not_use_another_components_private_header(self):
        self.assert_violation({"tests/host/kvm_test.cpp": '#include "core/context.h"\n'},
                              "tests/host/kvm_test.cpp:1", "private to rmm/")

    def test_rmm_never_includes_host(self):
        self.assert_violation({"rmm/rmi/rec.cpp": '#include "host/kvm.h"\n'},
                              "rmm/rmi/rec.cpp:1", "rmm/ must not include host/")

    def test_platform_does_not_include_rmm(self):
        self.assert_violation({"platform/src/soc.cpp": '#include "rmm/rmm.h"\n'},
                              "platform/src/soc.cpp:1", "platform/ must not include rmm/")

    def test_a_library_exposes_only_its_include_folder(self):
        self.assert_violation(
            {"platform/CMakeLists.txt":
             "target_include_directories(platform\n  PUBLIC include ${CMAKE_CURRENT_SOURCE_DIR}/..  # abi\n"
             "  PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})\n"},
            "platform/CMakeLists.txt:1", "exposes ${CMAKE_CURRENT_SOURCE_DIR}/.. (PUBLIC)")


if __name__ == "__main__":
    unittest.main()
