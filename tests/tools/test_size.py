"""Host tests of tools/size: the GNU ld map parser, the object-to-module
rule, the byte attribution, and an end-to-end run on a host-linked ELF laid
out like the kernel build, checked against binutils' size."""

import json
import os
import subprocess
from importlib.machinery import SourceFileLoader
import importlib.util

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
SIZE = os.path.join(ROOT, "tools", "size")
_loader = SourceFileLoader("fusion_size", SIZE)
size = importlib.util.module_from_spec(importlib.util.spec_from_loader("fusion_size", _loader))
_loader.exec_module(size)

MAP = """\
Archive member included to satisfy reference by file (symbol)

Discarded input sections

 .text.unused   0x0000000000000000       0x40 mm/CMakeFiles/mm.dir/src/a.cpp.obj

Memory Configuration

Name             Origin             Length             Attributes
*default*        0x0000000000000000 0xffffffffffffffff

Linker script and memory map

LOAD CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj
START GROUP
END GROUP
                0xffffffff80200000                . = 0xffffffff80200000

.text           0xffffffff80200000      0x100
 *(.head.text)
 .head.text     0xffffffff80200000       0x40 CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj
                0xffffffff80200000                _start
 *(.text .text.*)
 .text._ZN2mm14page_allocatorEv
                0xffffffff80200040       0x30 mm/CMakeFiles/mm.dir/src/a.cpp.obj
                0x0000000000000034 (size before relaxing)
                0xffffffff80200040                mm::page_allocator()
 *fill*         0xffffffff80200070       0x10 
 .text          0xffffffff80200080       0x20 /usr/lib/gcc-cross/x/12/libgcc.a(_clzdi2.o)
 .text.memcpy   0xffffffff802000a0       0x60 klib/CMakeFiles/klib.dir/src/string.cpp.obj

.rodata         0xffffffff80201000       0x20
 .rodata.str1.8
                0xffffffff80201000       0x18 CMakeFiles/vela_api.dir/vela_rtos/src/x.cpp.obj
 .rodata.str1.8
                0xffffffff80201010       0x10 CMakeFiles/libfdt.dir/root/.cache/fusion/libfdt/fdt.c.obj

.bss            0xffffffff80202000     0x1000
 .bss           0xffffffff80202000      0x800 CMakeFiles/fusion.elf.dir/tests/kernel/t.cpp.obj
                0xffffffff80203000                . = ALIGN (0x1000)

/DISCARD/
 *(.comment)
 .comment       0x0000000000000000       0x10 CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj
OUTPUT(fusion.elf elf64-littleriscv)

.debug_info     0x0000000000000000     0x1000
 .debug_info    0x0000000000000000      0x100 CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj
"""

# (type, flags, address, size) as elf_sections gives them.
SECTIONS = {
    ".text": (1, 0x6, 0xffffffff80200000, 0x100),
    ".rodata": (1, 0x2, 0xffffffff80201000, 0x20),
    ".bss": (8, 0x3, 0xffffffff80202000, 0x1000),
    ".debug_info": (1, 0x0, 0, 0x1000),
}


def test_parse_map_reads_only_placed_input_sections():
    entries = size.parse_map(MAP)
    assert [(o, i, s, f) for o, i, _a, s, f in entries] == [
        (".text", ".head.text", 0x40, "CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj"),
        (".text", ".text._ZN2mm14page_allocatorEv", 0x30,
         "mm/CMakeFiles/mm.dir/src/a.cpp.obj"),
        (".text", "*fill*", 0x10, None),
        (".text", ".text", 0x20, "/usr/lib/gcc-cross/x/12/libgcc.a(_clzdi2.o)"),
        (".text", ".text.memcpy", 0x60, "klib/CMakeFiles/klib.dir/src/string.cpp.obj"),
        (".rodata", ".rodata.str1.8", 0x18, "CMakeFiles/vela_api.dir/vela_rtos/src/x.cpp.obj"),
        (".rodata", ".rodata.str1.8", 0x10,
         "CMakeFiles/libfdt.dir/root/.cache/fusion/libfdt/fdt.c.obj"),
        (".bss", ".bss", 0x800, "CMakeFiles/fusion.elf.dir/tests/kernel/t.cpp.obj"),
        (".debug_info", ".debug_info", 0x100, "CMakeFiles/fusion.elf.dir/hal/riscv64/boot.S.obj"),
    ]


def test_parse_map_reads_sections_loaded_elsewhere():
    """armv7m's .data runs in RAM and is loaded from flash: its output line
    ends in "load address"; its input sections still count."""
    text = ("\nLinker script and memory map\n\n"
            ".data           0x20000000       0x20 load address 0x0000fd08\n"
            " .data.g_x      0x20000000       0x20 mm/CMakeFiles/mm.dir/src/a.cpp.obj\n")
    assert [(o, i, s) for o, i, _a, s, _f in size.parse_map(text)] == [
        (".data", ".data.g_x", 0x20)]


def test_parse_map_rejects_other_text():
    with pytest.raises(ValueError):
        size.parse_map("just some text\n")


@pytest.mark.parametrize("obj,module", [
    ("CMakeFiles/fusion.elf.dir/hal/drivers/plic.cpp.obj", "hal"),
    ("CMakeFiles/fusion.elf.dir/kernel/src/boot/main.cpp.obj", "kernel"),
    ("klib/CMakeFiles/klib.dir/src/error.cpp.obj", "kernel"),
    ("sched/CMakeFiles/sched.dir/src/kernel/core.cpp.obj", "sched"),
    ("fs/CMakeFiles/fs.dir/src/vnode.cpp.obj", "fs"),
    ("CMakeFiles/vela_apps.dir/vela_rtos/apps/vsh/vsh.c.obj", "vela_rtos"),
    ("CMakeFiles/vela_apps.dir/tests/vela/ostest.c.obj", "tests"),
    ("CMakeFiles/libfdt.dir/root/.cache/fusion/libfdt/fdt.c.obj", "libfdt"),
    ("/usr/lib/picolibc/riscv64-unknown-elf/lib/libc.a(libc_string_strlen.c.o)", "picolibc"),
    ("/usr/lib/gcc-cross/riscv64-linux-gnu/12/libgcc.a(_ashldi3.o)", "libgcc"),
    ("/somewhere/linux_compat/syscalls.o", "linux_compat"),
    (None, "(padding)"),
    ("/tmp/ccTi8ijJ.ltrans0.ltrans.o", "(lto: all modules)"),
])
def test_module_of(obj, module):
    assert size.module_of(obj) == module


def test_attribution_charges_each_byte_once():
    rows = size.attribute(size.parse_map(MAP), SECTIONS)
    assert rows["hal"] == {"text": 0x40, "data": 0, "bss": 0}
    assert rows["mm"]["text"] == 0x30
    assert rows["kernel"]["text"] == 0x60  # klib
    assert rows["libgcc"]["text"] == 0x20
    assert rows["(padding)"]["text"] == 0x10
    # Merged strings overlap: vela_rtos got 0x18 first, libfdt the 8 after.
    assert rows["vela_rtos"]["data"] == 0 and rows["vela_rtos"]["text"] == 0x18
    assert rows["libfdt"]["text"] == 0x8
    assert rows["tests"]["bss"] == 0x800
    assert rows["(linker script)"] == {"text": 0, "data": 0, "bss": 0x800}  # the ALIGN
    total = {k: sum(r[k] for r in rows.values()) for k in ("text", "data", "bss")}
    assert total == {"text": 0x120, "data": 0, "bss": 0x1000}  # .debug_info not counted


def test_end_to_end_matches_binutils_size(tmp_path):
    """A static host link with objects where CMake would put them."""
    sources = {
        "CMakeFiles/fusion.elf.dir/hal/entry.c": "void _start(void) { for (;;) {} }\n",
        "klib/CMakeFiles/klib.dir/src/k.c": "char kernel_data[64] = {1};\n"
                                            "int kernel_fn(int x) { return x * 7; }\n",
        "mm/CMakeFiles/mm.dir/src/m.c": "char mm_pool[4096];\n",
    }
    objs = []
    for rel, text in sources.items():
        src = tmp_path / (rel.replace("/", "_"))
        src.write_text(text)
        obj = tmp_path / (rel + ".obj")
        obj.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-c", "-O1", "-fno-common", "-ffunction-sections",
                        "-fdata-sections", "-fno-asynchronous-unwind-tables", "-o", str(obj),
                        str(src)], check=True)
        objs.append(rel + ".obj")
    subprocess.run(["gcc", "-nostdlib", "-static", "-no-pie", "-o", "fusion.elf",
                    "-Wl,-Map=fusion.map", *objs], cwd=tmp_path, check=True)
    r = subprocess.run([SIZE, "--json", "--elf", str(tmp_path / "fusion.elf"), "--map",
                        str(tmp_path / "fusion.map")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows["mm"]["bss"] == 4096
    assert rows["kernel"]["data"] == 64 and rows["kernel"]["text"] > 0
    assert rows["hal"]["text"] > 0
    assert rows["sched"] == {"text": 0, "data": 0, "bss": 0}  # every module has a row
    berkeley = subprocess.run(["size", str(tmp_path / "fusion.elf")], capture_output=True,
                              text=True, check=True).stdout.splitlines()[1].split()
    total = [sum(r[k] for r in rows.values()) for k in ("text", "data", "bss")]
    assert total == [int(x) for x in berkeley[:3]]


def test_missing_files_are_a_clean_error(tmp_path):
    r = subprocess.run([SIZE, "--elf", str(tmp_path / "none.elf"), "--map",
                        str(tmp_path / "none.map")], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("tools/size: ")
    assert "Traceback" not in r.stderr
