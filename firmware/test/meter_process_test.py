#!/usr/bin/env python3
"""Process test of the Linux meter (wattwitness-meter): a Mosquitto it spawns on a free port, a fake Shelly (Gen1
and Gen2 payloads whose register grows per request), a fresh P-256 key. Checks: readings arrive as envelopes with
boot 1 and seqs from 0 with the first-after-boot flag; an ack removes readings from the outbox; after kill -9 the
restarted meter has boot 2 and seq 0 and resends every unacknowledged reading of boot 1 (and none acked); the
retained status carries the birth of boot 2. Waits poll for a condition with a deadline (no fixed sleeps).

usage: meter_process_test.py <path to wattwitness-meter>
"""
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

METER = os.path.abspath(sys.argv[1])
ROOT = "wattwitness/v1/devices"
passed = 0


def check(cond, what):
    global passed
    if not cond:
        raise AssertionError(what)
    passed += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shelly(http.server.BaseHTTPRequestHandler):
    energy_wh = 1000

    def do_GET(self):
        Shelly.energy_wh += 1
        if self.path == "/status":
            body = {"mac": "AABBCCDDEEFF", "emeters": [{"power": 812.5, "total": Shelly.energy_wh + 0.25}]}
        elif self.path == "/rpc/Shelly.GetStatus":
            body = {"em1:0": {"act_power": -3.5}, "em1data:0": {"total_act_energy": Shelly.energy_wh},
                    "sys": {"mac": "AABBCCDDEEFF"}}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def wait_for(cond, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def readings(log_path):
    """(boot, seq, flags, energy) of every envelope seen on a readings topic, in arrival order."""
    out = []
    with open(log_path) as f:
        for line in f:
            topic, _, payload = line.strip().partition(" ")
            if topic.endswith("/readings"):
                msg = bytes.fromhex(json.loads(payload)["message"])
                out.append((int.from_bytes(msg[18:22], "big"), int.from_bytes(msg[22:26], "big"),
                            int.from_bytes(msg[50:52], "big"), int.from_bytes(msg[42:50], "big")))
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="ww-meter-")
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    procs = []
    try:
        broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stderr=subprocess.DEVNULL)
        procs.append(broker)
        wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, "mosquitto")
        shelly = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Shelly)
        threading.Thread(target=shelly.serve_forever, daemon=True).start()
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key], check=True)
        log = os.path.join(tmp, "sub.log")
        sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-v", "-q", "1",
                                "-t", ROOT + "/+/readings", "-t", ROOT + "/+/status"], stdout=open(log, "w"))
        procs.append(sub)
        wait_for(lambda: subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", "probe", "-m",
                                         "x"]).returncode == 0, "broker accepting clients")
        flash = os.path.join(tmp, "outbox.bin")
        meter_log = open(os.path.join(tmp, "meter.log"), "w")

        def start_meter(gen):
            p = subprocess.Popen([METER, "--mqtt", f"mqtt://127.0.0.1:{port}", "--shelly",
                                  f"http://127.0.0.1:{shelly.server_address[1]}", "--gen", str(gen), "--key", key,
                                  "--flash", flash, "--flash-sectors", "4", "--interval-ms", "200",
                                  "--ack-timeout-ms", "60000", "--ack-timeout-max-ms", "60000"],
                                 stderr=meter_log)
            procs.append(p)
            return p

        reg = subprocess.run([METER, "--shelly", f"http://127.0.0.1:{shelly.server_address[1]}", "--gen", "2",
                              "--key", key, "--print-registration", "Roof A"], capture_output=True, text=True)
        body = json.loads(reg.stdout)
        check(reg.returncode == 0 and body["name"] == "Roof A" and body["shelly_mac"] == "aabbccddeeff"
              and len(body["public_key"]) == 128, f"registration body: {reg.stdout} {reg.stderr}")
        check(not os.path.exists(flash + ".boot"), "printing the registration counts no boot")
        meter = start_meter(1)
        seen = wait_for(lambda: len(readings(log)) >= 4 and readings(log), "four readings of boot 1")
        check(seen[0][:3] == (1, 0, 5), f"first reading is boot 1 seq 0 flags 5: {seen[0]}")
        check([r[1] for r in seen[:4]] == [0, 1, 2, 3], f"seqs in order: {seen[:4]}")
        check(seen[0][3] % 1000 == 250, f"Gen1 register in mWh from decimal Wh: {seen[0][3]}")
        with open(log) as f:
            device = next(line.split("/")[3] for line in f if "/readings " in line)
        check(len(device) == 16, "device id in the topic")
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t",
                        f"{ROOT}/{device}/ack", "-m", '{"boot":1,"stored":[[0,1]],"refused":[[3,3]]}'], check=True)
        # The ack is on flash once the meter has processed it; give the meter two more readings to be sure it ran.
        count = len(readings(log))
        wait_for(lambda: len(readings(log)) >= count + 2, "two more readings after the ack")
        meter.send_signal(signal.SIGKILL)
        meter.wait()
        before = readings(log)
        boot1 = sorted({r[1] for r in before if r[0] == 1})
        open(log, "w").close()  # only what the restarted meter sends from here on
        meter = start_meter(2)
        wait_for(lambda: any(r[0] == 2 for r in readings(log)), "a reading of boot 2")
        expected = [s for s in boot1 if s not in (0, 1, 3)]
        after = wait_for(lambda: (lambda rs: rs if sorted({r[1] for r in rs if r[0] == 1}) == expected else None)(
            readings(log)), f"boot 1 seqs {expected} resent")
        check(all(r[1] not in (0, 1, 3) for r in after if r[0] == 1), "acknowledged readings are not resent")
        boot1_order = [r[1] for r in after if r[0] == 1]
        check(boot1_order[:len(expected)] == expected, f"resent oldest first: {boot1_order}")
        first2 = next(r for r in after if r[0] == 2)
        check(first2[1] == 0 and first2[2] == 5, f"boot 2 starts at seq 0 with first-after-boot: {first2}")
        check(after.index(first2) >= len(expected), "resends come before the new boot's readings")
        with open(log) as f:
            births = [json.loads(line.split(" ", 1)[1]) for line in f if "/status " in line]
        check(any(b.get("state") == "online" and b.get("boot") == 2 for b in births), f"birth of boot 2: {births}")
        meter.send_signal(signal.SIGTERM)
        check(meter.wait(timeout=10) == 0, "clean stop on SIGTERM")
        shelly.shutdown()
        print(f"meter process test: {passed} passed, 0 failed")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
