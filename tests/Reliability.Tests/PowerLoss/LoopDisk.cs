using System.Diagnostics;

namespace PointsEngine.Reliability.Tests.PowerLoss;

/// A small ext4 file system on a loop device over an image file, to lose power on (#16 item 3.1).
///
/// What reaches the loop device is written into the image file; what a process wrote but nobody synced
/// is still in the mounted file system's page cache. A copy of the image taken while the file system is
/// mounted therefore holds what the "disk" has at that instant: everything fsynced, plus whatever the
/// kernel happened to write back on its own (mounted with commit=600 so the journal's periodic commit does
/// not do that every 5 s). Mounting the copy is booting after a power cut: ext4 replays its journal and
/// the database finds what it had made durable. Needs root and /dev/loop-control (device-mapper's
/// dm-flakey would be the textbook tool; this machine's kernel has no device-mapper).
public sealed class LoopDisk : IAsyncDisposable
{
    private readonly string _device;
    private readonly List<(string Device, string Mount)> _snapshots = [];

    private LoopDisk(string directory, string image, string device, string mount)
    {
        Directory = directory;
        Image = image;
        _device = device;
        Mount = mount;
    }

    public string Directory { get; }
    public string Image { get; }
    public string Mount { get; }

    /// Why this machine cannot run the simulation, or null when it can.
    public static string? Unavailable()
    {
        if (Environment.UserName != "root") return $"needs root for losetup and mount (running as {Environment.UserName})";
        if (!File.Exists("/dev/loop-control")) return "no /dev/loop-control: the kernel offers no loop devices here";
        foreach (var tool in new[] { "/usr/sbin/losetup", "/usr/sbin/mkfs.ext4", "/usr/bin/mount", "/usr/bin/umount" })
            if (!File.Exists(tool)) return $"{tool} is missing";
        return null;
    }

    public static async Task<LoopDisk> CreateAsync(long bytes = 64L << 20)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("pe-powerloss-").FullName;
        // Created 0700; a PostgreSQL server running as the postgres user must get through it to its data directory.
        await RunAsync("chmod", "755", dir);
        var image = Path.Combine(dir, "disk.img");
        await using (var f = File.Create(image)) f.SetLength(bytes);
        await RunAsync("mkfs.ext4", "-q", "-F", image);
        var device = (await RunAsync("losetup", "--find", "--show", image)).Trim();
        var mount = Path.Combine(dir, "mnt");
        System.IO.Directory.CreateDirectory(mount);
        var disk = new LoopDisk(dir, image, device, mount);
        try
        {
            await RunAsync("mount", "-t", "ext4", "-o", "commit=600", device, mount);
        }
        catch
        {
            await RunAsync("losetup", "-d", device);
            throw;
        }
        return disk;
    }

    /// The power goes off now: a copy of what the disk holds, mounted as after a reboot. The returned
    /// directory is the file system's root.
    public async Task<string> PowerCutAsync()
    {
        var n = _snapshots.Count + 1;
        var copy = Path.Combine(Directory, $"after-power-cut-{n}.img");
        // Read through the image's page cache, which holds every write the loop device has received.
        File.Copy(Image, copy);
        var device = (await RunAsync("losetup", "--find", "--show", copy)).Trim();
        var mount = Path.Combine(Directory, $"after-power-cut-{n}");
        System.IO.Directory.CreateDirectory(mount);
        _snapshots.Add((device, mount));
        await RunAsync("mount", "-t", "ext4", device, mount);
        return mount;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (device, mount) in _snapshots)
        {
            await QuietlyAsync("umount", mount);
            await QuietlyAsync("losetup", "-d", device);
        }
        await QuietlyAsync("umount", Mount);
        await QuietlyAsync("losetup", "-d", _device);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }

    private static async Task QuietlyAsync(string tool, params string[] args)
    {
        try { await RunAsync(tool, args); }
        catch (InvalidOperationException) { /* cleaning up: already gone */ }
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {p.ExitCode}: {await error}");
        return await output;
    }
}
