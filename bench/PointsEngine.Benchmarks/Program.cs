using BenchmarkDotNet.Running;
using PointsEngine.Benchmarks;

if (args is ["--state-memory", ..]) StateMemory.Run();
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
