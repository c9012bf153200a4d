//! The processes rjango starts (cargo, the project's server): stopped gracefully, and never
//! left behind when rjango itself dies.

use std::process::Command;

/// Sends SIGTERM to `pid`, so it can finish what it is doing.
#[cfg(unix)]
pub fn terminate(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: kill(2) with a pid we spawned and still own (not yet reaped) and a valid signal.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

#[cfg(not(unix))]
pub fn terminate(_pid: u32) {}

/// Makes the child get SIGTERM when this process dies, however it dies (a crash, SIGKILL):
/// Linux's parent-death signal. (Linux sends it when the *thread* that spawned the child ends;
/// rjango spawns from its main thread, which lives as long as the process.) Ctrl-C, SIGTERM and SIGHUP are handled by rjango itself, which
/// stops its children gracefully; this covers what no handler sees.
#[cfg(target_os = "linux")]
pub fn dies_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: between fork and exec only async-signal-safe calls are made (prctl, getppid,
    // _exit), and no memory is allocated.
    unsafe {
        command.pre_exec(move || {
            // prctl is variadic and reads its second argument as an unsigned long.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn dies_with_parent(_command: &mut Command) {}

/// Waits until the child `pid` has exited, without reaping it: its pid stays reserved, so a
/// signal sent to it meanwhile cannot reach another process that was given the same pid.
#[cfg(unix)]
pub fn wait_exited(pid: u32) {
    let pid: libc::id_t = pid;
    // SAFETY: waitid on our own child with a zeroed siginfo_t it writes into; WNOWAIT leaves the
    // child to be reaped by `Child::wait`.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        while libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT) != 0 {
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return;
            }
        }
    }
}

#[cfg(not(unix))]
pub fn wait_exited(_pid: u32) {}
