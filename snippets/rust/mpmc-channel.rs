// Bounded MPMC channel with select! (crossbeam-channel): threads of ONE process; across processes use a socket or shm.
use crossbeam_channel::{after, bounded, never, select, Receiver};
use std::thread;
use std::time::Duration;

#[derive(Debug)]
enum Job {
    Normal(u64),
    Urgent(u64),
}

/// Takes from both channels until both are closed; an idle timeout guards against a stuck producer.
fn worker(jobs: Receiver<u64>, urgent: Receiver<u64>) -> Result<Vec<Job>, String> {
    let (mut jobs, mut urgent) = (jobs, urgent);
    let (mut jobs_open, mut urgent_open) = (true, true);
    let mut done = Vec::new();
    while jobs_open || urgent_open {
        select! {
            recv(urgent) -> msg => match msg {
                Ok(n) => done.push(Job::Urgent(n)),
                // Disconnected: stop selecting on it, or select! would return it immediately forever.
                Err(_) => { urgent = never(); urgent_open = false; }
            },
            recv(jobs) -> msg => match msg {
                Ok(n) => done.push(Job::Normal(n)),
                Err(_) => { jobs = never(); jobs_open = false; }
            },
            recv(after(Duration::from_secs(${3:5}))) -> _ => return Err("idle for too long".into()),
        }
    }
    Ok(done)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Bounded: a full channel blocks senders (back-pressure) instead of growing without limit.
    let (jobs_tx, jobs_rx) = bounded::<u64>(${1:16});
    let (urgent_tx, urgent_rx) = bounded::<u64>(4);
    let (producers, per_producer) = (${2:3}u64, 100u64);

    let mut senders = Vec::new();
    for p in 0..producers {
        let tx = jobs_tx.clone();
        senders.push(thread::spawn(move || -> Result<(), String> {
            for i in 0..per_producer {
                tx.send_timeout(p * 1000 + i, Duration::from_secs(5)).map_err(|e| e.to_string())?;
            }
            Ok(())
        }));
    }
    drop(jobs_tx); // the channel disconnects when the last sender is dropped
    let urgent_sender = thread::spawn(move || -> Result<(), String> {
        for i in 0..10 {
            urgent_tx.send(i).map_err(|e| e.to_string())?;
        }
        Ok(())
    });

    let workers: Vec<_> = (0..${4:2})
        .map(|_| {
            let (j, u) = (jobs_rx.clone(), urgent_rx.clone());
            thread::spawn(move || worker(j, u))
        })
        .collect();
    drop((jobs_rx, urgent_rx));

    for s in senders.into_iter().chain([urgent_sender]) {
        s.join().map_err(|_| "sender panicked")??;
    }
    let mut normal = Vec::new();
    let mut urgent = Vec::new();
    for w in workers {
        for job in w.join().map_err(|_| "worker panicked")?? {
            match job {
                Job::Normal(n) => normal.push(n),
                Job::Urgent(n) => urgent.push(n),
            }
        }
    }
    $0
    // Every job must be taken by exactly one worker.
    normal.sort_unstable();
    urgent.sort_unstable();
    let expected: Vec<u64> = (0..producers).flat_map(|p| (0..per_producer).map(move |i| p * 1000 + i)).collect();
    if normal != expected || urgent != (0..10).collect::<Vec<u64>>() {
        return Err(format!("lost or duplicated jobs: {} normal, {} urgent", normal.len(), urgent.len()).into());
    }
    println!("workers took {} jobs and {} urgent jobs, each exactly once", normal.len(), urgent.len());
    Ok(())
}
