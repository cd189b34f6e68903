using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Functional.Bench.Micro;

/// <summary>
/// The floating-point operations one call of a benchmark performs in its matrix products: 2·m·k·n for an
/// [m, k]·[k, n] product. Bias additions, column sums and elementwise work are not counted, so the GFLOP/s
/// column is the rate of the matrix products (the bulk of the work) measured against the whole call's time.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FlopsAttribute(long flops) : Attribute
{
    /// <summary>Flops per call.</summary>
    public long Flops { get; } = flops;
}

/// <summary>Two custom columns: "MFLOP" (flops per call, from <see cref="FlopsAttribute"/>) and "GFLOP/s" (flops / mean time).</summary>
public sealed class FlopColumns : IColumn
{
    private readonly bool _rate;

    private FlopColumns(bool rate) => _rate = rate;

    /// <summary>Flops per call, in millions.</summary>
    public static IColumn MFlop { get; } = new FlopColumns(rate: false);

    /// <summary>Flops per call divided by the mean time per call: flops per ns = GFLOP/s.</summary>
    public static IColumn GFlopPerSecond { get; } = new FlopColumns(rate: true);

    public string Id => _rate ? "GFlopPerSecond" : "MFlop";

    public string ColumnName => _rate ? "GFLOP/s" : "MFLOP";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _rate ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _rate
        ? "matrix-product flops per call (2·m·k·n each) / mean time per call, in GFLOP/s; '-' where the call has no matrix product"
        : "matrix-product flops per call (2·m·k·n each), in millions; '-' where the call has no matrix product";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var flops = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>()?.Flops;
        if (flops is null)
        {
            return "-";
        }
        if (!_rate)
        {
            return (flops.Value / 1e6).ToString("0.###", CultureInfo.InvariantCulture);
        }
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // nanoseconds per call
        return mean is > 0 ? (flops.Value / mean.Value).ToString("0.00", CultureInfo.InvariantCulture) : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;

    /// <summary>bench/Micro/BenchmarkDotNet.Artifacts: next to this project, wherever it is run from.</summary>
    public static string ArtifactsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functional.Bench.Micro.csproj")))
            {
                return Path.Combine(dir.FullName, "BenchmarkDotNet.Artifacts");
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
    }
}
