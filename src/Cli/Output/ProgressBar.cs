using System.Diagnostics;
using System.Globalization;
using Functional.Facade.Training;

namespace Functional.Cli.Output;

/// <summary>
/// A one-line progress bar on standard error (step, loss, steps/s, time left), redrawn at most ten times a second.
/// When standard error is not a terminal it prints nothing, so logs stay clean.
/// </summary>
internal sealed class ProgressBar(TextWriter writer, bool interactive)
{
    private const int Width = 30;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _drawn;

    public void Update(StepReport report)
    {
        if (!interactive || (report.Step != report.TotalSteps && _sinceDraw.ElapsedMilliseconds < 100))
        {
            return;
        }
        _sinceDraw.Restart();
        var fraction = (double)report.Step / report.TotalSteps;
        var filled = (int)(fraction * Width);
        var rate = report.StepsTimed / Math.Max(report.Elapsed.TotalSeconds, 1e-9);
        var left = TimeSpan.FromSeconds((report.TotalSteps - report.Step) / Math.Max(rate, 1e-9));
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', Width - filled)}] step {report.Step}/{report.TotalSteps}  loss {report.Loss:F4}  {rate:F0} steps/s  {left:m\\:ss} left "));
        _drawn = true;
    }

    /// <summary>Clears the bar so a table line can be printed in its place.</summary>
    public void Clear()
    {
        if (_drawn)
        {
            writer.Write("\r" + new string(' ', Width + 80) + "\r");
            _drawn = false;
        }
    }
}
