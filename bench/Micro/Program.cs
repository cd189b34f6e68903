// Micro-benchmarks of the layers' Forward and Backward and of the 784-50-10 net's matrix products, through the
// library's public API. Usage (from the repository root):
//
//   dotnet run -c Release --project bench/Micro -- --filter '*'               # everything, default job (slow)
//   dotnet run -c Release --project bench/Micro -- --filter '*' --job short   # a few minutes
//   dotnet run -c Release --project bench/Micro -- --filter '*Affine*'        # one class
//   dotnet run -c Release --project bench/Micro -- --list flat                # what there is
//
// Reports go to bench/Micro/BenchmarkDotNet.Artifacts/results (markdown, CSV, HTML).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Running;
using Functional.Bench.Micro;

var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(FlopColumns.MFlop, FlopColumns.GFlopPerSecond)
    .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
    .WithArtifactsPath(FlopColumns.ArtifactsDirectory());

BenchmarkSwitcher.FromAssembly(typeof(NetFixture).Assembly).Run(args, config);
