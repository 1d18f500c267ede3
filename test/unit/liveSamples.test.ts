import { strict as assert } from 'node:assert';
import { SampleWindow, alarmLevel, csvField, isAlarm, toCsv } from '../../src/core/live/samples';

describe('live samples: windows and statistics', () => {
  it('keeps only the window, computes min/max/mean over it and a high-water mark over all time', () => {
    const w = new SampleWindow(1000);
    w.push({ t: 0, used: 900, capacity: 1000 });
    w.push({ t: 500, used: 100, capacity: 1000 });
    w.push({ t: 1000, used: 300, capacity: 1000 });
    w.push({ t: 1600, used: 200, capacity: 1000 }); // drops t=0 and t=500
    assert.deepEqual(w.samples().map((s) => s.t), [1000, 1600]);
    const s = w.stats();
    assert.equal(s.count, 2);
    assert.equal(s.current, 200);
    assert.equal(s.min, 200);
    assert.equal(s.max, 300);
    assert.equal(s.mean, 250);
    assert.equal(s.highWater, 900, 'the high-water mark outlives the window');
    assert.equal(s.capacity, 1000);
  });

  it('shrinking the window drops old samples at once; samples going back in time are ignored', () => {
    const w = new SampleWindow(60_000);
    for (let t = 0; t <= 10_000; t += 1000) w.push({ t, used: t, capacity: null });
    w.push({ t: 5000, used: 1, capacity: null });
    assert.equal(w.size, 11);
    w.setWindow(2000);
    assert.deepEqual(w.samples().map((s) => s.t), [8000, 9000, 10_000]);
  });

  it('stays bounded over a long run (10 min at 20 Hz, twice over)', () => {
    const w = new SampleWindow(600_000);
    for (let i = 0; i < 24_000; i++) w.push({ t: i * 50, used: i % 7, capacity: 7 });
    assert.equal(w.size, 12_001);
    assert.equal(w.stats().max, 6);
  });

  it('an empty window has no statistics', () => {
    const s = new SampleWindow(1000).stats();
    assert.equal(s.count, 0);
    assert.equal(s.current, null);
    assert.equal(s.mean, null);
  });
});

describe('live samples: alarms', () => {
  it('percent alarms need a capacity; absolute alarms do not', () => {
    assert.equal(isAlarm(900, 1000, { kind: 'percent', value: 90 }), true);
    assert.equal(isAlarm(899, 1000, { kind: 'percent', value: 90 }), false);
    assert.equal(isAlarm(10 ** 9, null, { kind: 'percent', value: 1 }), false);
    assert.equal(isAlarm(5, null, { kind: 'absolute', value: 5 }), true);
    assert.equal(isAlarm(null, 10, { kind: 'absolute', value: 0 }), false);
    assert.equal(isAlarm(10, 10, null), false);
    assert.equal(alarmLevel(2000, { kind: 'percent', value: 75 }), 1500);
    assert.equal(alarmLevel(null, { kind: 'percent', value: 75 }), null);
    assert.equal(alarmLevel(null, { kind: 'absolute', value: 3 }), 3);
  });
});

describe('live samples: CSV export', () => {
  it('quotes, doubles quotes and defuses formulas in machine-supplied names', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line1\nline2'), '"line1\nline2"');
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@cmd'), "'@cmd");
    assert.equal(csvField(null), '');
    assert.equal(csvField(12.5), '12.5');
  });

  it('writes one row per sample, ordered by time, with a header', () => {
    const csv = toCsv([
      { id: 'pipe:15:1', name: '<img src=x onerror=alert(1)>\n', kind: 'pipe', unit: 'bytes', samples: [{ t: 2000, used: 5, capacity: 65536 }] },
      { id: 'posix-mq:/q', name: '/q', kind: 'posix-mq', unit: 'messages', samples: [{ t: 1000, used: 3, capacity: 10 }, { t: 3000, used: 4, capacity: null }] },
    ]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'time,epoch_ms,id,name,kind,used,capacity,unit');
    assert.equal(lines[1], '1970-01-01T00:00:01.000Z,1000,posix-mq:/q,/q,posix-mq,3,10,messages');
    assert.equal(lines[2], '1970-01-01T00:00:02.000Z,2000,pipe:15:1,"<img src=x onerror=alert(1)>\n",pipe,5,65536,bytes');
    assert.equal(lines[3], '1970-01-01T00:00:03.000Z,3000,posix-mq:/q,/q,posix-mq,4,,messages');
    assert.equal(lines.length, 5);
    assert.equal(lines[4], '');
  });
});
