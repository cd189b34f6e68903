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
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
