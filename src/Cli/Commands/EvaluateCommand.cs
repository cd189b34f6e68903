using System.CommandLine;
using System.Globalization;
using Functional.Facade.IO;
using Functional.Facade.Training;
using Functional.Networks;

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
        var command = new Command("evaluate", "Accuracy of saved parameters on the train and test sets.") { parameters, data };
        command.SetAction(parse => Run(parse.GetValue(parameters)!, parse.GetValue(data)));
        return command;
    }

    private static int Run(string path, string? dataDirectory)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "params.safetensors") : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file} not found; pass a params.safetensors file or a run directory.", file);
        }
        var (parameters, metadata) = SafeTensors.Decode(File.ReadAllBytes(file), file);
        var network = NetworkOf(file, metadata);
        Mlp.RequireFit(network, parameters);
        var data = CliOptions.LoadData(dataDirectory);
        var train = TrainingRun.Accuracy(network, parameters, data.Train);
        var test = TrainingRun.Accuracy(network, parameters, data.Test);
        Console.WriteLine($"network  {network.Describe()}");
        Console.WriteLine($"data     {data.Source}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train accuracy {train:P2} ({data.Train.Count} samples)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy  {test:P2} ({data.Test.Count} samples)"));
        return 0;
    }

    private static Network NetworkOf(string file, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("network", out var sizes) || !metadata.TryGetValue("activation", out var activation))
        {
            throw new InvalidDataException($"{file}: metadata lacks 'network' and 'activation'; was it written by train?");
        }
        var widths = sizes.Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            ? w : throw new InvalidDataException($"{file}: metadata 'network' must be widths like 784,50,10, got '{sizes}'."));
        return Network.Sequential(widths, activation switch
        {
            "relu" => Activation.Relu,
            "sigmoid" => Activation.Sigmoid,
            _ => throw new InvalidDataException($"{file}: metadata 'activation' must be relu or sigmoid, got '{activation}'."),
        });
    }
}
