"""Getting a room in (hinge_lib/class_join.py): the join page, what the app prints, the
start-up lines it hides, which requests count as the instructor's own, and the network
check (`python3 tasks.py app --check`), which waits for another device."""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
import urllib.request
from types import SimpleNamespace

import pytest

from browser import free_port
from hinge_lib import class_join


@pytest.mark.parametrize("address, local", [
    ("127.0.0.1", True), ("127.3.2.1", False), ("::1", True), ("::ffff:127.0.0.1", True),
    ("192.168.1.20", False), ("10.0.0.7", False), ("fe80::1%wlan0", False), ("", False),
    (None, False), ("not an address", False),
])
def test_only_loopback_addresses_are_this_machine(address, local):
    assert class_join.is_local_address(address) is local
    # the connection's own address counts, never a header or remote_ip a proxy could set
    context = SimpleNamespace(address=(address, 50000))
    handler = SimpleNamespace(request=SimpleNamespace(
        remote_ip="127.0.0.1", connection=SimpleNamespace(context=context)))
    assert class_join.is_local_request(handler) is local


def test_the_device_log_counts_other_devices_once_each():
    devices = class_join.DeviceLog()
    logged = []
    log = class_join.counting_log(logged.append, devices)
    for ip in ("127.0.0.1", "192.168.1.34", "192.168.1.34", "::1", "192.168.1.35"):
        log(SimpleNamespace(request=SimpleNamespace(remote_ip=ip)))
    assert len(logged) == 5  # the app's own access log still sees every request
    assert devices.status() == {"devices": 2}


def test_the_join_page_shows_a_qr_code_the_short_address_and_the_code_and_nothing_else():
    url = class_join.student_address("192.168.1.20", 8866, "/", "k7qm-x2rp-9dfa")
    assert url == "http://192.168.1.20:8866/?token=k7qm-x2rp-9dfa"
    page = class_join.join_page_html(url, class_join.short_address("192.168.1.20", 8866),
                                     "k7qm-x2rp-9dfa", "/hinge/api/join")
    assert "<svg" in page and 'aria-label="QR code of the class address"' in page
    assert "http://192.168.1.20:8866/</p>" in page and "k7qm-x2rp-9dfa</strong>" in page
    # self-contained: no style sheet, script, image or font from anywhere else
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
    assert "@import" not in page and "url(" not in page
    # the QR code holds exactly the students' address
    qr = class_join.qr_svg(url)
    assert f"<title>QR code of {url}</title>" in qr and qr in page
    assert class_join.segno.make(url, error="m").version <= 5  # large modules on a projector


def test_the_app_prints_the_students_address_first_then_what_the_instructor_needs():
    text = class_join.announcement("192.168.1.20", 8866, "/", "k7qm-x2rp-9dfa", max_kernels=40)
    urls = [line for line in text.splitlines() if line.startswith("http")]
    assert urls == ["http://192.168.1.20:8866/?token=k7qm-x2rp-9dfa"]
    assert "http://192.168.1.20:8866/ and then the access code" in text
    assert text.count("k7qm-x2rp-9dfa") == 1  # the code is printed once, never again
    assert "http://127.0.0.1:8866/join" in text
    assert len(text.splitlines()) <= 10


def test_start_up_noise_is_hidden_and_everything_else_is_logged():
    logger = logging.getLogger("test-class-join-quiet")
    logger.propagate = False
    stream = io.StringIO()
    logger.addHandler(logging.StreamHandler(stream))
    logger.setLevel(logging.INFO)
    class_join.quiet_startup(logger)
    logger.info("Voilà is running at:\nhttp://vm:8866/?token=...")
    logger.warning("The Jupyter server is listening on all IP addresses and not using "
                   "encryption. This is not recommended.")
    logger.info("Using /tmp to store connection files")
    logger.info("Culling kernel abc due to 1200 seconds of inactivity")
    logger.error("Kernel died")
    assert stream.getvalue().splitlines() == [
        "Culling kernel abc due to 1200 seconds of inactivity", "Kernel died"]


def _get_from(url: str, source: str) -> int:
    """GET ``url`` from the local address ``source`` (127.0.0.2 stands in for a phone)."""
    host, port = url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10,
                                  source_address=(source, 0)) as sock:
        sock.sendall(f"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(4096):  # the whole answer: the server closes after it
            answer += chunk
        return int(answer.split()[1])


def test_the_check_says_ok_once_another_device_opens_its_address():
    out = io.StringIO()
    result = {}
    phones = []

    def phone(url: str) -> None:
        # this machine itself first: not proof that the network lets phones through
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
        phones.append(threading.Timer(
            0.5, lambda: result.setdefault("status", _get_from(url, "127.0.0.2"))))
        phones[0].start()

    ok = class_join.run_check(ip="127.0.0.1", port=free_port(), wait_s=20, out=out,
                              own={"127.0.0.1"}, ready=phone)
    phones[0].join(10)  # the phone reads the page to its end
    assert ok and result["status"] == 200
    text = out.getvalue()
    assert "OK: a device at 127.0.0.2 reached this laptop" in text
    assert re.search(r"^http://127\.0\.0\.1:\d+/$", text, re.M)


def test_the_check_says_what_to_do_when_no_device_gets_through():
    out = io.StringIO()

    def only_this_machine(url: str) -> None:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200

    ok = class_join.run_check(ip="127.0.0.1", port=free_port(), wait_s=1.5, out=out,
                              own={"127.0.0.1"}, ready=only_this_machine)
    assert not ok
    text = out.getvalue()
    assert "No device reached this laptop" in text and "hotspot" in text
    assert "no address on a network" in text


def test_the_check_names_a_port_already_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        out = io.StringIO()
        assert not class_join.run_check(ip="127.0.0.1", port=busy.getsockname()[1],
                                        wait_s=1, out=out)
    assert "cannot listen on 127.0.0.1" in out.getvalue()
