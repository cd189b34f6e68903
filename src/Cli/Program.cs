using System.CommandLine;
using Functional.Cli.Commands;
using Functional.Training;

var root = new RootCommand("Functional: the layers of Deep Learning from Scratch, chapter 5, as pure functions.")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    GradCheckCommand.Create(),
    ReplayCommand.Create(),
    CompareCommand.Create(),
};
try
{
    // Without a ProcessTerminationTimeout, System.CommandLine 2.0.0 does not listen for Ctrl+C at all (the process just
    // dies). With one, Ctrl+C or SIGTERM cancels the action's token and waits this long for the action to end; `train`
    // ends at the next step, prints where it stopped and returns 130. Only a step stuck longer is cut off.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
    });
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or TrainingDivergedException
    or UnauthorizedAccessException or KeyNotFoundException)
{
    // Expected failures (bad flags, bad files, divergence) get one line, not a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled; no results were written.");
    return 130;
}
