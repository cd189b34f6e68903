// A user's own layer, end to end: verify its gradients, train it in a network, save and reload the model, and
// record the training run and replay it bit for bit. Exits with 1 if any check fails.
using System.Globalization;
using CustomLayer;
using Functional.Composition;
using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Naming;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Facade.Verification;
using Functional.Initializers;
using Functional.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const ulong Seed = 42;
const int Steps = 300;
var failures = new List<string>();
void Check(bool passed, string pass, string fail)
{
    Console.WriteLine(passed ? pass : $"FAILED: {fail}");
    if (!passed)
    {
        failures.Add(fail);
    }
}

// (a) LayerCheck: x [batch, features] and β [features] are both arguments, so dx and dβ are checked against
// central finite differences on 100 random cases.
var swish = new Swish();
var rule = RuleUnderTest.Create<SwishCache<double>>(
    args => swish.Forward(Params<double>.Of(args[1]), LayerState<double>.Empty, args[0], StepContext.Inference) is var f ? (f.Output, (SwishCache<double>)f.Cache) : default,
    (cache, dOut) => swish.Backward(cache, dOut) is var g ? [g.Dx, g.Gradient[0]] : [],
    dimensions: 2,
    new RuleArgument("x", d => [d[0], d[1]]),
    new RuleArgument("beta", d => [d[1]]));
var verdict = LayerCheck.Verify(rule);
Check(verdict.Passed, $"verified: Swish's dx and dbeta match finite differences on {verdict.CasesRun} cases", verdict.Failure?.Message ?? "");

// (b) 784-64-Swish-10, trained on the embedded MNIST sample.
var data = Mnist.LoadEmbedded();
var initializer = new He();
var model = NetworkBuilder.Create(Seed, initializer)
    .Affine(784, 64)
    .Layer(new Swish())
    .Affine(64, 10)
    .SoftmaxWithLoss()
    .Build();
Console.WriteLine($"network: {model}");
Console.WriteLine($"parameters: {string.Join(", ", model.Parameters.Leaves.Select(p => $"{p.Key} {p.Value.Shape}"))}");
var options = new TrainingOptions(Steps: Steps, BatchSize: 100, LearningRate: 0.1, Seed: Seed);
var trainer = new Trainer(model);
trainer.Fit(data.Train, data.Test, options);
var trained = trainer.Model;
var accuracy = trained.Evaluate(data.Test).Accuracy;
Check(accuracy > 0.5, $"test accuracy: {accuracy:F4} after {Steps} steps (chance is 0.1)", $"test accuracy {accuracy:F4} after {Steps} steps; expected above 0.5");
var beta = trained.Parameters["swish1.beta"].ToArray();
Check(beta.Any(b => b != 1.0), $"beta trained: from 1 to [{beta.Min():F4}, {beta.Max():F4}]", "swish1.beta is still 1 everywhere: its gradient never reached it");

var directory = Directory.CreateTempSubdirectory("custom-layer-").FullName;
try
{
    // (c) Save, then load: the file names the layer "swish", so loading needs a registry that makes one.
    var path = Path.Combine(directory, "swish.safetensors");
    trained.Save(path);
    string? refusal = null;
    try
    {
        Model.Load(path);
    }
    catch (InvalidDataException e)
    {
        refusal = e.Message;
    }
    Check(refusal?.Contains("unknown layer 'swish'", StringComparison.Ordinal) == true, $"without the registry: {refusal}",
        $"loading without a registry should refuse the unknown layer 'swish', got {refusal ?? "a model"}");
    var registry = LayerRegistry.BuiltIn.With("swish", () => new Swish());
    var reloaded = Model.Load(path, registry: registry);
    var test = data.Test.Batch([.. Enumerable.Range(0, data.Test.Count)]).X;
    Check(reloaded.Scores(test) == trained.Scores(test) && reloaded.Parameters.Equals(trained.Parameters),
        $"reloaded identical: {data.Test.Count} test predictions and every parameter bit for bit",
        "the reloaded model differs from the saved one");

    // (d) Record the same run with TrainingRun and a replay log, then replay it.
    var train = new TrainConfig(Steps, options.BatchSize, options.LearningRate, Seed, initializer: initializer);
    var config = new RunConfig(trained.Network, train, DataDirectory: null, data.Fingerprint, LogEvery: 10, CheckpointEvery: 0,
        RunConfig.CurrentLibraryVersion);
    var logPath = Path.Combine(directory, ReplayLog.FileName);
    RunResult recorded;
    using (var writer = ReplayLogWriter.Create(logPath, config))
    {
        var hooks = new RunHooks
        {
            Step = (state, loss) =>
            {
                if (state.Step % config.LogEvery == 0 || state.Step == train.Steps)
                {
                    writer.Step(state.Step, loss, state.LeafHashes());
                }
            },
            Epoch = writer.Epoch,
        };
        recorded = TrainingRun.Run(config.Network, data.Train, data.Test, train, hooks: hooks);
        writer.End(recorded.State.Step, recorded.State.Tensors.Sha256());
    }
    Check(recorded.State.ToFloat64().Params.Equals(trained.Parameters),
        "recorded run identical: it ends at the trainer's parameters bit for bit",
        "the recorded run ends at other parameters than the trainer's");
    var log = ReplayLog.Read(logPath, registry: registry);
    var outcome = Replayer.Verify(log, data);
    Check(outcome.Matched, $"replay verified: {outcome.RecordsVerified} records over {outcome.StepsRun} steps, bit for bit",
        $"replay diverged: {outcome.Divergence}");
}
finally
{
    Directory.Delete(directory, recursive: true);
}

Console.WriteLine(failures.Count == 0 ? "all checks passed" : $"{failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;
