using System.CommandLine;
using System.Globalization;
using Functional.Facade;

namespace Functional.Cli.Commands;

/// <summary>`evaluate`: the accuracy of saved parameters on a data set.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var parameters = new Argument<string>("params")
        {
            Description = "A params.safetensors file written by train, or the run directory holding it.",
        };
        var data = CliOptions.Data();
        var allowNonFinite = new Option<bool>("--allow-non-finite")
        {
            Description = "Load parameters holding NaN or infinities instead of refusing them.",
        };
        var command = new Command("evaluate", "Accuracy of saved parameters on the train and test sets.") { parameters, data, allowNonFinite };
        command.SetAction(parse => Run(parse.GetValue(parameters)!, parse.GetValue(data), parse.GetValue(allowNonFinite)));
        return command;
    }

    private static int Run(string path, string? dataDirectory, bool allowNonFinite)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "params.safetensors") : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file} not found; pass a params.safetensors file or a run directory.", file);
        }
        var model = Model.Load(file, allowNonFinite);
        var data = CliOptions.LoadData(dataDirectory);
        var train = model.Evaluate(data.Train);
        var test = model.Evaluate(data.Test);
        Console.WriteLine($"network  {model}");
        Console.WriteLine($"data     {data.Source}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train accuracy {train.Accuracy:P2}, loss {train.Loss:F4} ({train.Count} samples)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy  {test.Accuracy:P2}, loss {test.Loss:F4} ({test.Count} samples)"));
        return 0;
    }
}
