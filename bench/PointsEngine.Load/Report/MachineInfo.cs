using System.Runtime.InteropServices;

namespace PointsEngine.Load.Report;

/// The machine the figures were taken on, as the report prints it.
public sealed record MachineInfo(int Cores, string Cpu, string Memory, string Os, string Runtime, string LoadAverage)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        CpuModel(),
        TotalMemory(),
        RuntimeInformation.OSDescription,
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})",
        LoadAverageNow());

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string TotalMemory()
    {
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null) return $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20):N0} MB available to .NET";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return $"{kb / 1024.0 / 1024.0:N1} GB";
    }

    /// The 1/5/15-minute load averages: on a shared machine they say how quiet it was.
    public static string LoadAverageNow()
    {
        var text = ReadLines("/proc/loadavg").FirstOrDefault();
        return text is null ? "n/a" : string.Join(" ", text.Split(' ').Take(3));
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
