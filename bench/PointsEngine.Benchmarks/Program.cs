using BenchmarkDotNet.Running;
using PointsEngine.Benchmarks;

if (args is ["--state-memory", var meetings, ..]) StateMemory.Run(meetings: int.Parse(meetings, System.Globalization.CultureInfo.InvariantCulture));
else if (args is ["--state-memory"]) StateMemory.Run();
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
